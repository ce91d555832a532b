"""Moments in a document's life that other apps (search, accounts, discovery) react to.

`library` sends these and knows nothing of who listens, so dependencies point one way.

- `document_published(document)`: sent inside the transaction that marks the document ready
  (its pages exist), so an index written by a receiver commits or rolls back with it.
- `document_unpublished(document)`: sent inside the transaction that deletes, hides or
  otherwise withdraws a published document.
- `document_changed(document)`: sent after an edit of title, description, tags or category of a
  published document.
"""

from django.dispatch import Signal

document_published = Signal()
document_unpublished = Signal()
document_changed = Signal()
