"""API tokens: who a bearer token stands for, and how a user sees and revokes their own.

Invariants:
- Only the SHA-256 of a key is stored; the key is shown once, at issue (`ApiToken.issue`).
- A token authenticates only while it has not expired (WENKU_API_TOKEN_DAYS after issue), its
  user is active and not under a login ban.
- A new password, by whatever door (change form, reset link, admin, `changepassword`), deletes
  every token of the user (`User.save`): a leaked token dies with the password it was issued
  under.
- A user lists and revokes only their own tokens: every query here is filtered by the user, so
  somebody else's token id is indistinguishable from one that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .bans import login_banned
from .models import ApiToken, TokenRefused, User

# How stale `last_used_at` may get: at most one write per token per minute.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def authenticate(raw: str) -> tuple[User, ApiToken]:
    """The user and token a bearer key stands for; raises TokenRefused (with a message for the
    client) when the key is unknown or revoked, expired, or its user may not log in."""
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(raw)).first()
    if token is None:
        raise TokenRefused(_("API 令牌无效或已被撤销。"), "unknown")
    if token.expired:
        raise TokenRefused(
            _("API 令牌已于 %(when)s 过期，请重新获取令牌。")
            % {"when": timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")},
            "expired",
        )
    user = token.user
    if not user.is_active or login_banned(user):
        raise TokenRefused(_("该账号不能登录。"), "inactive")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return user, token


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (expired ones included, so they can be cleaned up)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def revoke(user: User, token_id: int) -> bool:
    """Delete one of the user's own tokens; False when the user has no token with that id."""
    if not 0 < token_id < 2**63:  # past the database's integers: no such token, not an error
        return False
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def revoke_all(user: User) -> int:
    """Delete all of the user's tokens; returns how many there were."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted
