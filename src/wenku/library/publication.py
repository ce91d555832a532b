"""After conversion: publish the document, or hold it for review and say why."""

from __future__ import annotations

from .models import Document
from .signals import document_converted, document_published


def converted(document: Document) -> bool:
    """Decide, inside the publish transaction, whether `document` goes public; True if it did.

    Receivers of `document_converted` may give reasons to hold it (sensitive words, a near
    duplicate); the site's review setting may hold every upload of its uploader. Invariant: a
    document a moderator rejected or hid never becomes public through a conversion."""
    from wenku.moderation.services import review_required

    reasons: list[str] = []
    for _receiver, answer in document_converted.send(sender=Document, document=document):
        if answer:
            reasons.extend(answer)
    # Re-converted (a moderator's "重新转换", a retry): a moderator's verdict stands. A rejected
    # or hidden document stays out whatever the review setting is now; an approved one goes
    # public again unless something new holds it.
    if document.review in (Document.Review.HIDDEN, Document.Review.REJECTED):
        return False
    if document.review == Document.Review.APPROVED and not reasons:
        document_published.send(sender=Document, document=document)
        return True
    if reasons or review_required(document.uploader):
        Document.objects.filter(pk=document.pk).update(
            review=Document.Review.PENDING, review_flags=reasons
        )
        document.review, document.review_flags = Document.Review.PENDING, reasons
        return False
    if document.review != Document.Review.NOT_REQUIRED:
        Document.objects.filter(pk=document.pk).update(review=Document.Review.NOT_REQUIRED)
        document.review = Document.Review.NOT_REQUIRED
    document_published.send(sender=Document, document=document)
    return True
