"""Favorite, tip and report: the rules, shared by the web views and the API."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from wenku.accounts import points
from wenku.library.models import Document
from wenku.moderation.models import SiteSettings

from .models import Favorite, Report, Tip


class ActionRefused(Exception):
    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def _require_published(document: Document) -> None:
    if not document.is_published:
        raise ActionRefused(_("文档尚未发布。"), "not_ready", 409)


def set_favorite(user, document: Document, on: bool) -> tuple[bool, int]:
    """Favorite or unfavorite; returns (is favorite now, favorite count). Idempotent."""
    _require_published(document)
    with transaction.atomic():
        if on:
            try:
                with transaction.atomic():
                    Favorite.objects.create(user=user, document=document)
                changed = 1
            except IntegrityError:
                changed = 0
        else:
            changed = -Favorite.objects.filter(user=user, document=document).delete()[0]
        if changed:
            Document.objects.filter(pk=document.pk).update(
                favorite_count=Greatest(F("favorite_count") + changed, 0)
            )
        count = Document.objects.filter(pk=document.pk).values_list("favorite_count", flat=True)
    return on, count.get()


def toggle_favorite(user, document: Document) -> tuple[bool, int]:
    is_on = Favorite.objects.filter(user=user, document=document).exists()
    return set_favorite(user, document, not is_on)


def is_favorite(user, document: Document) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Favorite.objects.filter(user=user, document=document).exists()
    )


def new_key() -> str:
    return uuid.uuid4().hex


def tip(user, document: Document, amount: int, key: str = "") -> tuple[Tip, bool]:
    """Move `amount` points from `user` to the uploader; the same key pays once.

    Returns the tip and whether this call made it (False for a replay of the same key)."""
    _require_published(document)
    site = SiteSettings.current()
    if amount not in site.tip_choices:
        allowed = "、".join(str(a) for a in site.tip_choices)
        raise ActionRefused(
            _("打赏金额只能是 %(allowed)s 积分之一。") % {"allowed": allowed}, "bad_amount"
        )
    if user.pk == document.uploader_id:
        raise ActionRefused(_("不能打赏自己上传的文档。"), "own_document")
    key = (key or new_key())[:64]
    existing = Tip.objects.filter(tipper=user, key=key).first()
    if existing is not None:
        return existing, False
    recipient = document.uploader
    for who in (user, recipient):
        try:
            points.check_not_frozen(who)
        except points.PointsFrozen as exc:
            message = (
                exc.message if who == user else _("该文档的上传者账号已被封禁，无法接受打赏。")
            )
            raise ActionRefused(message, "banned", 403) from None
    try:
        with transaction.atomic():
            points.lock_users(user, recipient)
            paid = points.post(
                user,
                -amount,
                points.Reason.TIP_SENT,
                key=f"tip:{key}",
                document=document,
                counterparty=recipient,
                memo=document.title,
            )
            if not paid.created:
                return Tip.objects.get(tipper=user, key=key), False
            made = Tip.objects.create(
                tipper=user, recipient=recipient, document=document, amount=amount, key=key
            )
            points.post(
                recipient,
                amount,
                points.Reason.TIP_RECEIVED,
                key=f"tip-from:{user.pk}:{key}",
                document=document,
                counterparty=user,
                memo=document.title,
            )
    except points.InsufficientPoints as exc:
        raise ActionRefused(exc.message, exc.code, 402) from None
    return made, True


def report(user, document: Document, reason: str, details: str = "") -> Report:
    if reason not in Report.Reason.values:
        raise ActionRefused(_("请选择举报原因。"), "bad_reason")
    details = details.strip()
    if reason == Report.Reason.OTHER and not details:
        raise ActionRefused(_("选择“其他”时请填写详细说明。"), "details_required")
    if len(details) > 2000:
        raise ActionRefused(_("详细说明不能超过 2000 字。"), "details_too_long")
    if user.pk == document.uploader_id:
        raise ActionRefused(_("不能举报自己上传的文档。"), "own_document")
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=user,
                document=document,
                document_title=document.title,
                reason=reason,
                details=details,
            )
    except IntegrityError:
        raise ActionRefused(
            _("您已举报过该文档，请等待处理结果（可在“我的”页面查看）。"),
            "already_reported",
            409,
        ) from None
