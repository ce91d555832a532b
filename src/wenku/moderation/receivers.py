from django.dispatch import receiver

from wenku.library.signals import document_converted

from .services import check_sensitive_words


@receiver(document_converted)
def _hold_sensitive(sender, document, **kwargs) -> list[str]:
    return check_sensitive_words(document)
