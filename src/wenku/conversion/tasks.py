"""The path under which conversion tasks queued before 2026-12 were stored (django-tasks keeps
a task's dotted path in its row); the task itself is `runner.convert_document`."""

from .runner import convert_document

__all__ = ["convert_document"]
