"""Moments in a document's life that apps above the library (search, discovery) react to.

`library` sends these and knows nothing of who listens, so dependencies point one way. They are
for reactions only (fire and forget), connected in each app's `ready()` with a dispatch_uid:
what may *hold* a document is decided by the ordered publish checks of
`wenku.library.publication`, never by a vote of receivers.

- `document_published(document)`: sent inside the transaction that lets the document be seen:
  right after conversion when nothing holds it, else when a moderator approves it. An index
  written by a receiver commits or rolls back with the publication.
- `document_unpublished(document)`: sent inside the transaction that deletes, hides or
  otherwise withdraws a published document.
- `document_changed(document)`: sent after an edit of title, description, tags or category of a
  published document; `document_changed(document, text=True)` after its pages' text changed
  (recognised later by `wenku ocr`).
"""

from django.dispatch import Signal

document_published = Signal()
document_unpublished = Signal()
document_changed = Signal()
