"""Finding the document a request may see, for every view that takes a document number."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Document


def document_for(request: HttpRequest, number: int, *, user=None) -> Document:
    """The document `number` if the requester may see it; 404 otherwise (never 403, so that
    private documents cannot be told apart from missing ones)."""
    user = user if user is not None else request.user
    document = get_object_or_404(
        Document.objects.select_related("category", "uploader"), number=number
    )
    if not document.visible_to(user):
        raise Http404
    document.viewer_is_owner = document.is_owned_by(user)
    return document
