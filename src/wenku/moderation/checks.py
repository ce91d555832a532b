"""Moderation's publish checks (named in `settings.WENKU_PUBLISH_CHECKS`): each returns the
reasons to hold a converted document for a moderator."""

from __future__ import annotations

from django.utils.translation import gettext as _

from wenku.library.models import Document

from . import services


def sensitive_words(document: Document) -> list[str]:
    """The sensitive words its title, description or text contain."""
    return services.check_sensitive_words(document)


def review_mode(document: Document) -> list[str]:
    """The site's review setting holds every upload of this uploader."""
    if services.review_required(document.uploader):
        return [_("站点设置：该上传者的文档需审核后发布")]
    return []
