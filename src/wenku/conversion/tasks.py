"""Background tasks of the conversion app, run by `wenku worker` through django.tasks."""

from django.tasks import task


@task(queue_name="conversion")
def convert_document(document_id: int) -> dict:
    from .runner import run_conversion

    return run_conversion(document_id)
