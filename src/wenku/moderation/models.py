"""Moderation's own data: the sensitive words that send a document to review."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SensitiveWord(models.Model):
    """A word that sends a document to review when its title, description or text contains it."""

    word = models.CharField(_("敏感词"), max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")

    def __str__(self) -> str:
        return self.word
