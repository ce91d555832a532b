"""Moments in a document's life that other apps (search, accounts, discovery) react to.

`library` sends these and knows nothing of who listens, so dependencies point one way.

- `document_converted(document)`: sent inside the transaction that marks the document ready
  (its pages exist), before it is published. A receiver may return a list of reasons to hold
  the document for review (matched sensitive words, a near-duplicate of another document).
- `document_published(document)`: sent inside the transaction that lets the document be seen:
  right after conversion when nothing holds it, else when a moderator approves it. An index
  written by a receiver commits or rolls back with the publication.
- `document_unpublished(document)`: sent inside the transaction that deletes, hides or
  otherwise withdraws a published document.
- `document_changed(document)`: sent after an edit of title, description, tags or category of a
  published document.
"""

from django.dispatch import Signal

document_converted = Signal()
document_published = Signal()
document_unpublished = Signal()
document_changed = Signal()
