"""Moderation rules: who waits for review, the review and report decisions, punishments, and the
audit log that records every moderator action."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.accounts.bans import Punishment
from wenku.community.models import Report
from wenku.errors import Refusal
from wenku.library import publication
from wenku.library.models import Document
from wenku.library.removal import delete_document
from wenku.notices.services import Kind, notify, site_language
from wenku.site.auditing import audit
from wenku.site.models import ReviewMode, SiteSettings
from wenku.site.sensitive import sensitive_words_in


class ModerationError(Refusal):
    code = "moderation"


def review_required(uploader) -> bool:
    """Whether the site's review setting holds `uploader`'s uploads for a moderator."""
    site = SiteSettings.current()
    if site.review_mode == ReviewMode.OFF or uploader.is_staff:
        return False
    if site.review_mode == ReviewMode.EVERYONE:
        return True
    if uploader.trusted:
        return False
    if site.trust_after_approved:
        approved = Document.objects.filter(
            uploader=uploader, review=Document.Review.APPROVED
        ).count()
        return approved < site.trust_after_approved
    return True


def check_sensitive_words(document: Document) -> list[str]:
    """Reasons to hold `document`: the sensitive words its title, description or text contain."""
    text = "\n".join(document.pages.values_list("text", flat=True))
    found = sensitive_words_in(document.title, document.description, text)
    return [f"包含敏感词：{'、'.join(found)}"] if found else []


@transaction.atomic
def approve(document: Document, by, note: str = "") -> None:
    current = Document.objects.select_for_update().get(pk=document.pk)
    if current.review == Document.Review.APPROVED:
        return
    if not current.is_ready:
        raise ModerationError(_("文档尚未转换完成，不能审核通过。"))
    publication.record_verdict(current, Document.Review.APPROVED, note, by)
    audit(by, "approve", current, note)
    with site_language():
        text = _("《%(title)s》已通过审核。") % {"title": current.title}
        text += _("说明：%(note)s") % {"note": note} if note else ""
    _tell_uploader(current, Kind.APPROVED, text, by)


@transaction.atomic
def reject(document: Document, by, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ModerationError(_("请填写驳回原因，上传者会看到它。"))
    before = publication.record_verdict(document, Document.Review.REJECTED, reason, by)
    audit(by, "reject", before, reason)
    with site_language():
        text = _("《%(title)s》未通过审核：%(reason)s") % {"title": before.title, "reason": reason}
    _tell_uploader(before, Kind.REJECTED, text, by)


@transaction.atomic
def hide(document: Document, by, reason: str) -> None:
    """Take a published document down (it stays in the uploader's list with the reason)."""
    before = publication.record_verdict(document, Document.Review.HIDDEN, reason, by)
    audit(by, "hide", before, reason)
    with site_language():
        text = _("《%(title)s》已被屏蔽：%(reason)s") % {"title": before.title, "reason": reason}
    _tell_uploader(before, Kind.HIDDEN, text, by)


def _tell_uploader(document: Document, kind: str, text: str, by) -> None:
    """The uploader learns a verdict, in its transaction (not when they gave it themselves)."""
    url = document.get_absolute_url()
    notify(document.uploader, kind, text, url=url, document=document, actor=by)


def punish(user, kind: str, days: int | None, reason: str, by) -> Punishment:
    if kind not in Punishment.Kind.values:
        raise ModerationError(_("未知的处罚类型。"))
    if not reason.strip():
        raise ModerationError(_("请填写处罚原因。"))
    if user.is_staff:
        raise ModerationError(_("不能处罚管理员。"))
    ends = timezone.now() + dt.timedelta(days=days) if days else None
    punishment = Punishment.objects.create(
        user=user, kind=kind, reason=reason.strip(), ends_at=ends, created_by=by
    )
    audit(by, f"punish:{kind}", user, f"{reason}（{days or '永久'}天）")
    return punishment


REPORT_ACTIONS = {
    "dismiss": gettext_lazy("驳回举报"),
    "hide": gettext_lazy("屏蔽文档"),
    "delete": gettext_lazy("删除文档"),
    "punish": gettext_lazy("处罚上传者"),
}


@transaction.atomic
def resolve_reports(
    document: Document,
    action: str,
    by,
    note: str = "",
    *,
    punish_kind: str = Punishment.Kind.UPLOAD,
    days: int | None = 7,
) -> int:
    """Decide every open report of `document`; returns how many were closed.

    The reporters see the outcome in "我的举报"."""
    if action not in REPORT_ACTIONS:
        raise ModerationError(_("未知的处理方式。"))
    open_reports = Report.objects.select_for_update().filter(
        document=document, status=Report.Status.OPEN
    )
    count = len(open_reports)
    if not count:
        raise ModerationError(_("该文档没有待处理的举报。"))
    note = note.strip()
    if action == "dismiss":
        status, outcome = Report.Status.DISMISSED, note or "经核实，该文档未违反规定。"
    else:
        status = Report.Status.ACTIONED
        outcome = {
            "hide": "该文档已被屏蔽。",
            "delete": "该文档已被删除。",
            "punish": "该文档已被屏蔽，上传者已受到处罚。",
        }[action] + (f"（{note}）" if note else "")
    Report.objects.filter(pk__in=[r.pk for r in open_reports]).update(
        status=status, outcome=outcome, resolved_at=timezone.now()
    )
    with site_language():
        told = _("您对《%(title)s》的举报已处理：%(outcome)s")
        if action == "dismiss":
            told = _("您对《%(title)s》的举报未被采纳：%(outcome)s")
        told %= {"title": document.title, "outcome": outcome}
    mine = reverse("web:reports")
    for r in open_reports:
        notify(r.reporter, Kind.REPORT, told, url=mine, document=document, actor=by)
    reasons = "、".join(sorted({r.get_reason_display() for r in open_reports}))
    if action == "hide":
        hide(document, by, f"被举报：{reasons}。{note}")
    elif action == "punish":
        hide(document, by, f"被举报：{reasons}。{note}")
        punish(document.uploader, punish_kind, days, note or f"文档被举报：{reasons}", by)
    elif action == "delete":
        audit(by, "delete", document, f"被举报：{reasons}。{note}")
        delete_document(document, by=by)
    else:
        audit(by, "dismiss_reports", document, outcome)
    return count
