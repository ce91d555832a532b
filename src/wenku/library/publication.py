"""Publication: whether a converted document goes public, and every change of its review state.

This module is the one owner of `Document.review` (and its flags, note and reviewer): the
conversion runner calls `converted()` when a document's pages exist; moderators' verdicts go
through `record_verdict()`. (`Document.status` belongs to the conversion runner's lease
protocol, `wenku.conversion.runner`.)

What may hold a document is the ordered list of publish checks in `settings.WENKU_PUBLISH_CHECKS`
(dotted paths, like `AUTH_PASSWORD_VALIDATORS`): each is called with the document, inside the
publish transaction, and returns the reasons to hold it for a moderator (an empty list: nothing
against it). Every check runs, in order, so a moderator sees every reason; a check that needs
another's work (the near-duplicate check needs the signature it stores itself) does it itself.
The library imports none of them: the apps above it name their checks in the setting.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Document
from .signals import document_published, document_unpublished

PublishCheck = Callable[[Document], list[str]]


@cache
def _load(paths: tuple[str, ...]) -> tuple[PublishCheck, ...]:
    return tuple(import_string(path) for path in paths)


def publish_checks() -> tuple[PublishCheck, ...]:
    """The configured checks, imported once per distinct setting."""
    return _load(tuple(settings.WENKU_PUBLISH_CHECKS))


def reasons_to_hold(document: Document) -> list[str]:
    reasons: list[str] = []
    for check in publish_checks():
        reasons.extend(check(document))
    return reasons


def converted(document: Document) -> bool:
    """Decide, inside the publish transaction, whether `document` goes public; True if it did.

    Invariant: a document a moderator rejected or hid never becomes public through a
    conversion; one a moderator approved goes public again unless something new holds it."""
    reasons = reasons_to_hold(document)
    if document.review in (Document.Review.HIDDEN, Document.Review.REJECTED):
        return False
    if document.review == Document.Review.APPROVED and not reasons:
        document_published.send(sender=Document, document=document)
        return True
    if reasons:
        _set(document, review=Document.Review.PENDING, review_flags=reasons)
        return False
    if document.review != Document.Review.NOT_REQUIRED:
        _set(document, review=Document.Review.NOT_REQUIRED)
    document_published.send(sender=Document, document=document)
    return True


def record_verdict(document: Document, review: str, note: str, by) -> Document:
    """A moderator's verdict (approved, rejected, hidden) on `document`, inside the caller's
    transaction: the row is locked, the document re-read, published or withdrawn as the
    verdict says. Returns the document as it was before."""
    before = Document.objects.select_for_update().get(pk=document.pk)
    now = timezone.now()
    Document.objects.filter(pk=document.pk).update(
        review=review, review_note=note, reviewed_by=by, reviewed_at=now, updated_at=now
    )
    if review == Document.Review.APPROVED:
        after = Document.objects.get(pk=document.pk)
        document_published.send(sender=Document, document=after)
    elif before.is_published:
        document_unpublished.send(sender=Document, document=before)
    return before


def _set(document: Document, **fields) -> None:
    Document.objects.filter(pk=document.pk).update(**fields)
    for name, value in fields.items():
        setattr(document, name, value)
