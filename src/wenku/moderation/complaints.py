"""Copyright complaints (版权投诉), after the 信息网络传播权保护条例: a rights holder's notice,
the takedown, the uploader's counter-notice and the moderator's final word.

    file()      → open        (the complainant; moderators see the queue)
    take_down() → taken_down  (the document is hidden through publication.record_verdict)
    reject()    → rejected
    counter()   → countered   (only the document's uploader, only while taken down)
    restore()   → restored    (the document is approved again, unless another complaint
                               still keeps it down)
    uphold()    → upheld      (it stays down; from taken_down or countered)

Every step is audited and told (`notify(..., kind="complaint")`) to the parties it concerns;
every refusal is a `ModerationError` with a sentence for the user and an HTTP status. An
uploader whose upheld complaints reach the site's `complaints_before_upload_ban` is banned
from uploading, permanently (through `services.punish`, audited).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.accounts.bans import Punishment
from wenku.accounts.services import take
from wenku.library import publication
from wenku.library.models import Document
from wenku.notices.services import Kind, notify, site_language
from wenku.site.auditing import audit
from wenku.site.models import SiteSettings

from . import proofs
from .models import Complaint
from .services import ModerationError, punish

Status = Complaint.Status

# The statement the complainant ticks (条例第十四条: 对通知书的真实性负责), stored with the
# complaint in the site's language.
STATEMENT = gettext_lazy(
    "本人保证：本通知书中的内容真实、准确，所投诉的文档侵犯了上述权利人的合法权益；"
    "如有不实，本人愿意承担由此产生的一切法律责任。"
)
PER_DAY = 10  # complaints a user may file in a day (staff: any number)
MAX_URLS = 50


def _text(data, name: str, label: str, limit: int) -> str:
    value = str(data.get(name) or "").strip()
    if not value:
        raise ModerationError(_("请填写%(label)s。") % {"label": label}, "missing_" + name)
    if len(value) > limit:
        raise ModerationError(
            _("%(label)s不能超过 %(n)s 字。") % {"label": label, "n": limit}, "too_long_" + name
        )
    return value


def _urls(data) -> str:
    lines = [line.strip() for line in str(data.get("urls") or "").splitlines() if line.strip()]
    if not lines:
        raise ModerationError(_("请填写涉嫌侵权的网址，每行一个。"), "missing_urls")
    if len(lines) > MAX_URLS:
        raise ModerationError(
            _("一次投诉最多填写 %(n)s 个网址。") % {"n": MAX_URLS}, "too_many_urls"
        )
    for line in lines:
        if not line.startswith(("http://", "https://")) or len(line) > 500 or " " in line:
            raise ModerationError(
                _("网址无效：%(url)s（须以 http:// 或 https:// 开头，每行一个）。")
                % {"url": line[:100]},
                "bad_url",
            )
    return "\n".join(lines)


def _ticked(value) -> bool:
    return value is True or str(value).strip().lower() in ("on", "true", "1", "yes")


def file(complainant, document: Document, data, files) -> Complaint:
    """File a complaint against `document` from `data` (rights_holder, contact, work, urls,
    statement: the ticked box) and `files` (identity_proof, rights_proof)."""
    if complainant.pk == document.uploader_id:
        raise ModerationError(_("不能投诉自己上传的文档。"), "own_document", 403)
    fields = {
        "rights_holder": _text(data, "rights_holder", _("权利人名称"), 200),
        "contact": _text(data, "contact", _("联系方式"), 300),
        "work": _text(data, "work", _("被侵权作品"), 2000),
        "urls": _urls(data),
    }
    if not _ticked(data.get("statement")):
        raise ModerationError(_("请勾选真实性声明。"), "statement_required")
    identity = files.get("identity_proof")
    rights = files.get("rights_proof")
    kinds = (proofs.check(identity, _("身份证明")), proofs.check(rights, _("权属证明")))
    if _active(complainant, document).exists():
        raise _already_filed()
    if not complainant.is_staff:
        event, _wait = take("complaint", f"user:{complainant.pk}", PER_DAY, dt.timedelta(days=1))
        if event is None:
            raise ModerationError(
                _("投诉过于频繁：每天最多提交 %(n)s 件投诉。") % {"n": PER_DAY}, "rate_limited", 429
            )
    stored = [
        proofs.store(identity, kinds[0], "identity"),
        proofs.store(rights, kinds[1], "rights"),
    ]
    with site_language():
        statement = str(STATEMENT)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                complainant=complainant,
                document=document,
                document_title=document.title[:200],
                uploader=document.uploader,
                statement=statement,
                identity_proof=stored[0],
                rights_proof=stored[1],
                **fields,
            )
            audit(complainant, "complaint:file", complaint, fields["rights_holder"])
    except IntegrityError:
        proofs.forget(*stored)
        raise _already_filed() from None
    except BaseException:
        proofs.forget(*stored)
        raise
    return complaint


def _active(complainant, document: Document) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        complainant=complainant, document=document, status__in=Complaint.ACTIVE
    )


def _already_filed() -> ModerationError:
    return ModerationError(
        _("您对该文档的投诉正在处理中，请勿重复提交。"), "already_complained", 409
    )


def _locked(complaint: Complaint, *allowed: str) -> Complaint:
    """`complaint` locked and re-read in place (the caller's object follows every step);
    refused (409) unless its status is one of `allowed`."""
    Complaint.objects.select_for_update().filter(pk=complaint.pk).values_list("pk").get()
    complaint.refresh_from_db()
    if complaint.status not in allowed:
        raise ModerationError(
            _("该投诉当前状态为“%(status)s”，不能进行此操作。")
            % {"status": complaint.get_status_display()},
            "wrong_state",
            409,
        )
    return complaint


def _decided(complaint: Complaint, status: str, moderator, note: str, **fields) -> None:
    now = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(
        status=status, moderator_note=note, handled_by=moderator, updated_at=now, **fields
    )
    complaint.refresh_from_db()


def _tell(user, text: str, complaint: Complaint, by, url: str = "") -> None:
    url = url or reverse("complaints:detail", args=[complaint.pk])
    notify(user, Kind.COMPLAINT, text, url=url, document=complaint.document, actor=by)


def _told(text: str, complaint: Complaint, note: str) -> str:
    """A notice's text (call inside `site_language()`), with the moderator's note if any."""
    text %= {"title": complaint.document_title}
    return text + (_("说明：%(note)s") % {"note": note} if note else "")


def _hide(complaint: Complaint, moderator, note: str) -> None:
    """Take the document down, the complaint named in its review note."""
    with site_language():
        reason = _("版权投诉 #%(id)s：%(note)s") % {
            "id": complaint.pk,
            "note": note or _("权利人通知该文档侵权"),
        }
    publication.record_verdict(complaint.document, Document.Review.HIDDEN, reason, moderator)


@transaction.atomic
def take_down(complaint: Complaint, moderator, note: str = "") -> Complaint:
    """Accept the notice: the document is hidden, its uploader told how to counter."""
    complaint = _locked(complaint, Status.OPEN)
    if complaint.document is None:
        raise ModerationError(_("该文档已被删除，无需下架。"), "no_document", 409)
    note = note.strip()[:1000]
    _hide(complaint, moderator, note)
    _decided(complaint, Status.TAKEN_DOWN, moderator, note, decided_at=timezone.now())
    audit(moderator, "complaint:take_down", complaint, f"{complaint.document.number} {note}")
    with site_language():
        to_uploader = _told(
            _(
                "您上传的《%(title)s》因版权投诉已被下架（断开链接）。"
                "如您认为不构成侵权，可以提交反通知（书面说明与证明材料）。"
            ),
            complaint,
            note,
        )
        to_complainant = _told(
            _("您对《%(title)s》的版权投诉已受理，该文档已被下架。"), complaint, note
        )
    counter_url = reverse("complaints:counter", args=[complaint.pk])
    _tell(complaint.uploader, to_uploader, complaint, moderator, counter_url)
    _tell(complaint.complainant, to_complainant, complaint, moderator)
    return complaint


@transaction.atomic
def reject(complaint: Complaint, moderator, note: str) -> Complaint:
    """Refuse the notice (the complainant learns why); the document stays as it is."""
    note = note.strip()[:1000]
    if not note:
        raise ModerationError(_("请填写不予采纳的原因，投诉人会看到它。"), "note_required")
    complaint = _locked(complaint, Status.OPEN)
    _decided(complaint, Status.REJECTED, moderator, note, decided_at=timezone.now())
    audit(moderator, "complaint:reject", complaint, note)
    with site_language():
        text = _("您对《%(title)s》的版权投诉未被采纳：%(note)s") % {
            "title": complaint.document_title,
            "note": note,
        }
    _tell(complaint.complainant, text, complaint, moderator)
    return complaint


def counter_refusal(complaint: Complaint, user) -> ModerationError | None:
    """Why `user` may not counter `complaint` now, or None if they may."""
    if getattr(user, "pk", None) is None or user.pk != complaint.uploader_id:
        return ModerationError(_("只有被投诉文档的上传者可以提交反通知。"), "not_uploader", 403)
    if complaint.status != Status.TAKEN_DOWN:
        return ModerationError(
            _("只有已被下架的文档可以提交反通知（当前状态：%(status)s）。")
            % {"status": complaint.get_status_display()},
            "wrong_state",
            409,
        )
    return None


def counter(complaint: Complaint, uploader, statement: str, proof) -> Complaint:
    """The uploader's counter-notice: why it does not infringe, and a proof file."""
    complaint.refresh_from_db()
    refusal = counter_refusal(complaint, uploader)
    if refusal is not None:
        raise refusal
    statement = _text({"s": statement}, "s", _("反通知说明"), 5000)
    stored = proofs.store(proof, proofs.check(proof, _("证明材料")), "counter")
    try:
        with transaction.atomic():
            complaint = _locked(complaint, Status.TAKEN_DOWN)
            now = timezone.now()
            Complaint.objects.filter(pk=complaint.pk).update(
                status=Status.COUNTERED,
                counter_statement=statement,
                counter_proof=stored,
                countered_at=now,
                updated_at=now,
            )
            complaint.refresh_from_db()
            audit(uploader, "complaint:counter", complaint, statement[:500])
            with site_language():
                text = _(
                    "《%(title)s》的上传者对您的版权投诉提交了反通知，等待管理员处理：%(statement)s"
                ) % {"title": complaint.document_title, "statement": statement[:300]}
            _tell(complaint.complainant, text, complaint, uploader)
    except BaseException:
        proofs.forget(stored)
        raise
    return complaint


def _held_by_others(complaint: Complaint) -> bool:
    """Whether another complaint keeps the same document down."""
    keeping = (Status.TAKEN_DOWN, Status.COUNTERED, Status.UPHELD)
    others = Complaint.objects.filter(document=complaint.document_id, status__in=keeping)
    return others.exclude(pk=complaint.pk).exists()


@transaction.atomic
def restore(complaint: Complaint, moderator, note: str = "") -> Complaint:
    """The counter-notice stands: the document is approved and public again (unless another
    complaint still keeps it down, or it is gone)."""
    complaint = _locked(complaint, Status.COUNTERED)
    note = note.strip()[:1000]
    document = complaint.document
    back = document is not None and document.is_ready and not _held_by_others(complaint)
    if back:
        publication.record_verdict(document, Document.Review.APPROVED, note, moderator)
    _decided(complaint, Status.RESTORED, moderator, note, closed_at=timezone.now())
    audit(moderator, "complaint:restore", complaint, note)
    with site_language():
        if back:
            to_uploader = _("您提交的反通知已被采纳，《%(title)s》已恢复。")
        else:
            to_uploader = _("您提交的反通知已被采纳，但《%(title)s》仍因其他投诉处于下架状态。")
        to_uploader = _told(to_uploader, complaint, note)
        to_complainant = _told(
            _("您对《%(title)s》的版权投诉经反通知后，该文档已恢复。"), complaint, note
        )
    _tell(complaint.uploader, to_uploader, complaint, moderator)
    _tell(complaint.complainant, to_complainant, complaint, moderator)
    return complaint


@transaction.atomic
def uphold(complaint: Complaint, moderator, note: str = "") -> Complaint:
    """The complaint stands: the document stays down (hidden again if someone approved it in
    the meantime); the uploader may be banned from uploading
    (`SiteSettings.complaints_before_upload_ban`)."""
    complaint = _locked(complaint, Status.TAKEN_DOWN, Status.COUNTERED)
    note = note.strip()[:1000]
    document = complaint.document
    if document is not None and document.review != Document.Review.HIDDEN:
        _hide(complaint, moderator, note)
    _decided(complaint, Status.UPHELD, moderator, note, closed_at=timezone.now())
    audit(moderator, "complaint:uphold", complaint, note)
    banned = _ban_repeat_infringer(complaint.uploader, moderator)
    with site_language():
        to_uploader = _told(_("《%(title)s》的版权投诉成立，该文档保持下架。"), complaint, note)
        if banned is not None:
            to_uploader += _("因多次侵权，您的账号已被永久禁止上传。")
        to_complainant = _told(
            _("您对《%(title)s》的版权投诉成立，该文档保持下架。"), complaint, note
        )
    _tell(complaint.uploader, to_uploader, complaint, moderator)
    _tell(complaint.complainant, to_complainant, complaint, moderator)
    return complaint


def _ban_repeat_infringer(uploader, moderator) -> Punishment | None:
    """A permanent upload ban once `uploader`'s upheld complaints reach the site's number (none
    for staff, none while one is in force)."""
    limit = SiteSettings.current().complaints_before_upload_ban
    if uploader is None or not limit or uploader.is_staff:
        return None
    upheld = list(
        Complaint.objects.filter(uploader=uploader, status=Status.UPHELD)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(upheld) < limit:
        return None
    if Punishment.objects.active().filter(user=uploader, kind=Punishment.Kind.UPLOAD).exists():
        return None
    with site_language():
        reason = _("版权投诉成立 %(n)s 次（投诉 %(ids)s）") % {
            "n": len(upheld),
            "ids": "、".join(f"#{pk}" for pk in upheld),
        }
    return punish(uploader, Punishment.Kind.UPLOAD, None, reason[:200], moderator)


DECISIONS = {
    "take_down": (take_down, gettext_lazy("下架文档")),
    "reject": (reject, gettext_lazy("不予采纳")),
    "restore": (restore, gettext_lazy("恢复文档")),
    "uphold": (uphold, gettext_lazy("确认侵权")),
}
# The decisions a moderator may take on a complaint in each status.
NEXT = {
    Status.OPEN: ("take_down", "reject"),
    Status.TAKEN_DOWN: ("uphold",),
    Status.COUNTERED: ("restore", "uphold"),
}


def decide(complaint: Complaint, action: str, moderator, note: str = "") -> Complaint:
    """A moderator's decision by name (the queue's buttons)."""
    if action not in DECISIONS:
        raise ModerationError(_("未知的操作。"), "bad_action")
    return DECISIONS[action][0](complaint, moderator, note)


# Who sees what.
def visible(user) -> QuerySet[Complaint]:
    """The complaints `user` may open: staff all, others theirs as complainant or uploader."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    if user.is_staff:
        return Complaint.objects.all()
    return Complaint.objects.filter(Q(complainant=user) | Q(uploader=user))


def complaint_for(user, complaint_id: int) -> Complaint | None:
    """Complaint `complaint_id` if `user` may open it; None for another's and a missing alike."""
    return visible(user).select_related("document", "complainant").filter(pk=complaint_id).first()


def mine(user) -> QuerySet[Complaint]:
    """`user`'s complaints as complainant or as uploader, newest first (staff too: only theirs)."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    rows = Complaint.objects.filter(Q(complainant=user) | Q(uploader=user))
    return rows.select_related("document").order_by("-created_at", "-pk")


def files_for(complaint: Complaint, user) -> list[str]:
    """The proof files `user` may download: staff and the complainant every stored one, the
    uploader the counter proof (their own)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_staff or user.pk == complaint.complainant_id:
        allowed = list(proofs.FIELDS)
    elif user.pk == complaint.uploader_id:
        allowed = ["counter"]
    else:
        return []
    return [which for which in allowed if getattr(complaint, proofs.FIELDS[which])]


def role_of(complaint: Complaint, user) -> str:
    """ "complainant", "uploader" or "staff": what `user` is to `complaint`."""
    if user.pk == complaint.complainant_id:
        return "complainant"
    if user.pk == complaint.uploader_id:
        return "uploader"
    return "staff"
