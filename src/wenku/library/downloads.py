"""Downloading a document: who may, what it costs, and the daily limits.

A paid document is bought once (a `Purchase`, unique per user and document) and is free to
re-download; the buyer's points go to the uploader less the site's share, all in one
transaction through the ledger, whose idempotency key ("buy:<document>") makes two concurrent
clicks pay once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from wenku.accounts import points
from wenku.accounts.bans import active_ban, ban_message
from wenku.clock import start_of_today
from wenku.errors import Refusal
from wenku.notices.services import Kind, notify, site_language
from wenku.site.models import SiteSettings

from .access import reads_whole_document
from .models import Document, Download, Purchase


class DownloadRefused(Refusal):
    status = 403


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "txt": "text/plain; charset=utf-8",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
    "epub": "application/epub+zip",
    "ofd": "application/ofd",
    "jpg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
}


@dataclass(frozen=True)
class Grant:
    document: Document
    kind: str  # "original" or "pdf"
    charged: int  # points paid by this request (0 for free, owned or already bought)

    @property
    def filename(self) -> str:
        """The uploaded name, ending in the extension of what the file is: a PDF uploaded as
        "x.html" downloads as "x.html.pdf", never as something a browser would open as a page."""
        fmt = self.document.format
        name = self.document.original_filename or f"{self.document.title}.{fmt}"
        if self.kind == "pdf":
            stem = name.rsplit(".", 1)[0] if "." in name else name
            return f"{stem}.pdf"
        if not name.lower().endswith(f".{fmt}"):
            name = f"{name}.{fmt}"
        return name

    @property
    def content_type(self) -> str:
        """From the format detected in the bytes, never guessed from the uploaded name."""
        if self.kind == "pdf":
            return "application/pdf"
        return CONTENT_TYPES.get(self.document.format, "application/octet-stream")

    def open(self):
        field = self.document.pdf if self.kind == "pdf" else self.document.original
        return default_storage.open(field.name)


def can_download_free(user, document: Document) -> bool:
    """No points due: the owner, staff, a free document, or one already bought — the same
    people who may read the whole text (one rule, `access.reads_whole_document`)."""
    return reads_whole_document(document, user)


def _check_limits(user, ip: str | None, site: SiteSettings) -> None:
    today = start_of_today()
    recent = Download.objects.filter(created_at__gte=today)
    if user.is_authenticated and (
        recent.filter(user=user).count() >= site.daily_downloads_per_user
    ):
        raise DownloadRefused(
            _("您今天已下载 %(n)s 次，达到每日上限，请明天再来。")
            % {"n": site.daily_downloads_per_user},
            "daily_limit",
            429,
        )
    if ip and recent.filter(ip=ip).count() >= site.daily_downloads_per_ip:
        raise DownloadRefused(
            _("该网络今天的下载次数已达上限，请明天再来。"), "daily_limit_ip", 429
        )


def download(user, document: Document, *, kind: str = "original", ip: str | None = None) -> Grant:
    """Check, charge (once) and count a download; the caller streams `Grant.open()`."""
    if kind not in ("original", "pdf"):
        raise DownloadRefused(_("未知的下载格式。"), "bad_kind", 400)
    if not document.visible_to(user):
        raise DownloadRefused(_("文档不存在。"), "not_found", 404)
    if not document.is_ready:
        raise DownloadRefused(_("文档尚未转换完成，暂时不能下载。"), "not_ready", 409)
    if kind == "pdf" and not document.pdf:
        raise DownloadRefused(_("该文档没有 PDF 版本。"), "no_pdf", 404)
    site = SiteSettings.current()
    if not user.is_authenticated:
        if document.price or site.download_login_required:
            raise DownloadRefused(_("请先登录再下载。"), "login_required", 401)
    else:
        ban = active_ban(user, "download")
        if ban is not None:
            raise DownloadRefused(ban_message(ban), "banned")

    with transaction.atomic():
        # One download decision at a time per user, so limits and balance are checked against
        # the truth (SQLite's IMMEDIATE transactions already serialise; this is for PostgreSQL).
        if user.is_authenticated:
            points.lock_users(user, document.uploader)
        _check_limits(user, ip, site)
        charged = 0
        if user.is_authenticated and not can_download_free(user, document):
            charged = _buy(user, document, site)
        Download.objects.create(
            user=user if user.is_authenticated else None,
            document=document,
            ip=ip,
            kind=kind,
            points=charged,
        )
        Document.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)
    return Grant(document, kind, charged)


def _buy(user, document: Document, site: SiteSettings) -> int:
    try:
        points.check_not_frozen(user)
    except points.PointsFrozen as exc:
        raise DownloadRefused(exc.message, exc.code) from None
    try:
        paid = points.post(
            user,
            -document.price,
            points.Reason.PURCHASE,
            key=f"buy:{document.pk}",
            document=document,
            counterparty=document.uploader,
            memo=document.title,
        )
    except points.InsufficientPoints as exc:
        raise DownloadRefused(exc.message, exc.code, 402) from None
    if not paid.created:  # bought by a concurrent request of the same user
        return 0
    purchase, _created = Purchase.objects.get_or_create(
        user=user, document=document, defaults={"price": document.price}
    )
    earned = document.price * (100 - site.download_site_share) // 100
    uploader = document.uploader
    if earned and uploader.is_active and active_ban(uploader, "points") is None:
        points.post(
            uploader,
            earned,
            points.Reason.SALE,
            key=f"sale:{purchase.pk}",
            document=document,
            counterparty=user,
            memo=document.title,
        )
    else:
        earned = 0
    with site_language():  # the uploader learns of the sale, in the purchase's transaction
        told = _("有人购买了《%(title)s》，获得 %(n)s 积分")
        if not earned:
            told = _("有人购买了《%(title)s》")
        told %= {"title": document.title, "n": earned}
    url = document.get_absolute_url()
    notify(uploader, Kind.PURCHASE, told, url=url, document=document, actor=user)
    return document.price
