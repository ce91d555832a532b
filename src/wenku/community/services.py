"""Favorite, tip and report: the rules, shared by the web views and the API."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenku.accounts import points
from wenku.library.models import Document
from wenku.notices.services import Kind, notify, site_language
from wenku.site.models import SiteSettings

from . import folders
from .models import Favorite, Report, Tip
from .refusals import ActionRefused, require_published


def set_favorite(user, document: Document, on: bool) -> tuple[bool, int]:
    """Favorite or unfavorite; returns (is favorite now, favorite count). Idempotent.

    A favorite is a document in one of the reader's folders (`folders`' invariant): favoriting
    puts it into the default folder, unfavoriting takes it out of every folder."""
    return folders.set_favorite(user, document, on)


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


def tip_refusal(user, site: SiteSettings | None = None) -> str | None:
    """Why `user` may not tip yet, or None.

    A new account tips only once its e-mail is verified or it is `tip_wait_hours` old (0: no
    wait), so accounts made in bulk cannot pour their register bonus into one account. Staff
    are exempt: the operator made them."""
    site = site or SiteSettings.current()
    hours = site.tip_wait_hours
    if not hours or user.is_staff or user.email_verified:
        return None
    ready_at = user.date_joined + dt.timedelta(hours=hours)
    if timezone.now() >= ready_at:
        return None
    return _("新注册的账号需要先验证邮箱，或注册满 %(hours)s 小时（%(when)s 之后）才能打赏。") % {
        "hours": hours,
        "when": timezone.localtime(ready_at).strftime("%Y-%m-%d %H:%M"),
    }


def tip(user, document: Document, amount: int, key: str = "") -> tuple[Tip, bool]:
    """Move `amount` points from `user` to the uploader; the same key pays once.

    Refused for a new account (`tip_refusal`), a banned tipper or uploader, one's own document,
    an amount not offered by the site. Returns the tip and whether this call made it (False for
    a replay of the same key)."""
    require_published(document)
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
        return _replay(existing, document, amount), False
    recipient = document.uploader
    for who in (user, recipient):
        try:
            points.check_not_frozen(who)
        except points.PointsFrozen as exc:
            message = (
                exc.message if who == user else _("该文档的上传者账号已被封禁，无法接受打赏。")
            )
            raise ActionRefused(message, "banned", 403) from None
    refusal = tip_refusal(user, site)
    if refusal:
        raise ActionRefused(refusal, "account_too_new", 403)
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
                return _replay(Tip.objects.get(tipper=user, key=key), document, amount), False
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
            with site_language():
                text = _("%(name)s 打赏了您的《%(title)s》%(amount)s 积分") % {
                    "name": user.masked_name,
                    "title": document.title,
                    "amount": amount,
                }
            url = document.get_absolute_url()
            notify(recipient, Kind.TIP, text, url=url, document=document, actor=user)
    except points.InsufficientPoints as exc:
        raise ActionRefused(exc.message, exc.code, 402) from None
    return made, True


def _replay(existing: Tip, document: Document, amount: int) -> Tip:
    """A key names one tip: the same key for another document or amount is a client's mistake
    (answered 422), never a replay that looks like success."""
    if existing.document_id != document.pk or existing.amount != amount:
        raise ActionRefused(
            _("该幂等键已用于另一笔打赏（%(amount)s 积分），请换一个键。")
            % {"amount": existing.amount},
            "idempotency_key_reused",
            422,
        )
    return existing


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
