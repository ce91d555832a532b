"""Notices: the one way a user is told what happened, and the one way they read it.

Invariants:
- A notice is made inside the caller's transaction, so it exists exactly when its event does (a
  tip rolled back leaves no notice); its e-mail goes only after that transaction has committed,
  and only to a verified address of a user who asked for that kind by e-mail (no preference
  row: no e-mail). A mail that fails is logged, never raised: the event stands.
- Nobody is told about their own action: `notify(..., actor=...)` makes nothing when the actor is
  the user (a reply to one's own comment, a moderator's verdict on their own document).
- The text is written once, in the site's language (`site_language()`), whatever language the
  request that caused it had active; the list and the mail show it as it was written.
- A user reads and marks only their own notices: every query here is filtered by the user, so
  another user's notice is indistinguishable from one that does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wenku.site.models import SiteSettings

from .models import Notice, NoticePreference

log = logging.getLogger("wenku.notices")

Kind = Notice.Kind


def site_language() -> translation.override:
    """Write a notice's text inside this: `with site_language(): text = _("…") % {…}`."""
    return translation.override(settings.LANGUAGE_CODE)


def notify(
    user, kind: str, text: str, *, url: str = "", document=None, actor=None
) -> Notice | None:
    """Tell `user` (the notice is made now, its e-mail after commit); None when `user` is the
    `actor` of the event, or there is nobody to tell."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notice kind: {kind!r}")
    if user is None or (actor is not None and getattr(actor, "pk", None) == user.pk):
        return None
    notice = Notice.objects.create(
        user=user, kind=kind, text=text, url=url[:500], document=document
    )
    if wants_email(user, kind):
        transaction.on_commit(partial(_mail, notice))
    return notice


def wants_email(user, kind: str) -> bool:
    """A verified address, and e-mail chosen for this kind (a query only when verified)."""
    return bool(
        user.email
        and user.email_verified
        and NoticePreference.objects.filter(user=user, kind=kind, email=True).exists()
    )


def _mail(notice: Notice) -> None:
    try:
        with site_language():
            site_name = SiteSettings.current().site_name
            subject = _("【%(site)s】%(kind)s") % {
                "site": site_name,
                "kind": notice.get_kind_display(),
            }
            footer = _("登录%(site)s后，可在“我的 - 消息”中查看。") % {"site": site_name}
        send_mail(subject, f"{notice.text}\n\n{footer}\n", None, [notice.user.email])
    except Exception:
        # The notice is in the list already; a mail server's trouble must not undo the event.
        log.exception("mail of notice %s to user %s failed", notice.pk, notice.user_id)


def notices_for(user, *, unread: bool = False) -> QuerySet[Notice]:
    """`user`'s notices, newest first (only the unread ones if `unread`)."""
    rows = Notice.objects.filter(user=user).order_by("-created_at", "-pk")
    return rows.filter(read_at=None) if unread else rows


def notice_of(user, notice_id: int) -> Notice | None:
    """`user`'s notice `notice_id`; None for a missing one and for another user's alike."""
    return Notice.objects.filter(user=user, pk=notice_id).first()


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at=None).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s unread notices read: those of `ids`, or all of them when `ids` is None.
    Ids of other users' notices are ignored. Returns how many changed."""
    rows = Notice.objects.filter(user=user, read_at=None)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def email_kinds(user) -> set[str]:
    """The kinds `user` also receives by e-mail."""
    rows = NoticePreference.objects.filter(user=user, email=True)
    return set(rows.values_list("kind", flat=True))


def set_email_kinds(user, kinds: Iterable[str]) -> set[str]:
    """E-mail for exactly `kinds` (unknown ones ignored), off for every other kind."""
    chosen = set(kinds) & set(Kind.values)
    with transaction.atomic():
        NoticePreference.objects.bulk_create(
            [NoticePreference(user=user, kind=k, email=k in chosen) for k in Kind.values],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["email"],
        )
    return chosen
