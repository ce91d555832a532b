"""The refusal every action of a reader shares (favorite, folder, tip, report, comment), below
the services that raise it: `services` and `folders` both import it (and `services` imports
`folders`), so neither has to import the other's refusal in a cycle."""

from __future__ import annotations

from django.utils.translation import gettext as _

from wenku.errors import Refusal
from wenku.library.models import Document


class ActionRefused(Refusal):
    """A reader's action refused (favorite, folder, tip, report)."""


def require_published(document: Document) -> None:
    if not document.is_published:
        raise ActionRefused(_("文档尚未发布。"), "not_ready", 409)
