"""Following (关注) uploaders, and the 关注 feed; shared by the web views and the API.

Rules:
- A logged-in user follows any other active user, never themself (400); an inactive or missing
  user is not there to follow (404).
- Following and unfollowing are idempotent: one row per pair however often it is asked.
- An inactive user counts nowhere: not among anyone's followers or followed, and their
  documents leave the feeds (their home page is a 404).
- The feed (`feed`) holds only public documents (`Document.objects.public()`) of the people
  followed, newest first: never a private, unlisted, held or unconverted one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from wenku.accounts.models import User
from wenku.library.models import Document

from .models import Follow
from .services import ActionRefused


@dataclass(frozen=True)
class Counts:
    """What a home page counts: public documents, followers, followed, and the downloads of
    the public documents."""

    documents: int
    followers: int
    following: int
    downloads: int


def person(pk: int) -> User:
    """The active user `pk`; refused (404) for an inactive or missing one."""
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise ActionRefused(_("用户不存在。"), "not_found", 404)
    return found


def follow(user, target: User) -> bool:
    """`user` follows `target`; True if this call made the row (False: already following)."""
    if user.pk == target.pk:
        raise ActionRefused(_("不能关注自己。"), "self_follow", 400)
    if not target.is_active:
        raise ActionRefused(_("用户不存在。"), "not_found", 404)
    try:
        with transaction.atomic():
            Follow.objects.create(follower=user, followed=target)
    except IntegrityError:
        return False
    return True


def unfollow(user, target: User) -> bool:
    """`user` stops following `target`; True if they were following."""
    return Follow.objects.filter(follower=user, followed=target).delete()[0] > 0


def set_following(user, target: User, on: bool) -> tuple[bool, int]:
    """Follow or unfollow; returns (following now, `target`'s follower count)."""
    if on:
        follow(user, target)
    else:
        unfollow(user, target)
    return on, follower_count(target)


def is_following(user, target: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Follow.objects.filter(follower=user, followed=target).exists()
    )


def follower_count(user: User) -> int:
    return Follow.objects.filter(followed=user, follower__is_active=True).count()


def counts(user: User) -> Counts:
    """Three queries, whatever the numbers."""
    docs = Document.objects.public().filter(uploader=user)
    totals = docs.aggregate(n=Count("pk"), downloads=Sum("download_count"))
    return Counts(
        documents=totals["n"],
        followers=follower_count(user),
        following=Follow.objects.filter(follower=user, followed__is_active=True).count(),
        downloads=totals["downloads"] or 0,
    )


def following_of(user: User):
    """Whom `user` follows (active users), most recently followed first: Follow rows with
    `followed` loaded."""
    return (
        Follow.objects.filter(follower=user, followed__is_active=True)
        .select_related("followed")
        .order_by("-created_at", "-pk")
    )


def public_uploads(user: User):
    """`user`'s public documents, newest first."""
    return Document.objects.public().filter(uploader=user).order_by("-created_at", "-pk")


def feed(user):
    """The 关注 feed: public documents of the active people `user` follows, newest first."""
    followed = Follow.objects.filter(follower=user, followed__is_active=True).values("followed")
    return (
        Document.objects.public()
        .filter(uploader__in=followed)
        .select_related("uploader")
        .order_by("-created_at", "-pk")
    )
