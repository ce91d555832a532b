"""API tokens: bearer authentication, and a user's own tokens (list, revoke).

The rules are `wenku.accounts.tokens`'; this module speaks HTTP.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from wenku.accounts import tokens
from wenku.accounts.models import ApiToken, TokenRefused, User
from wenku.api.errors import ErrorOut

router = Router(tags=["tokens"])


def optional_user(request: HttpRequest):
    """The caller of a public endpoint (auth=None): a token holder, authenticated lazily, else
    the session's user (possibly anonymous)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        try:
            return tokens.authenticate(header[7:].strip())[0]
        except TokenRefused:
            return request.user
    return request.user


def bearer_user(request: HttpRequest, raw: str) -> User | None:
    """The user of a bearer token, remembered on the request with the token; None for an
    unknown or revoked one. An expired token is refused with a 401 that says so."""
    try:
        user, token = tokens.authenticate(raw)
    except TokenRefused as exc:
        if exc.code == "expired":
            raise HttpError(401, exc.message) from None
        return None
    request.user = user
    request.api_token = token
    return user


class TokenInfoOut(Schema):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    expired: bool
    current: bool  # the token this request came with


def _info(token: ApiToken, current: ApiToken | None) -> TokenInfoOut:
    return TokenInfoOut(
        id=token.pk,
        name=token.name,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        expired=token.expired,
        current=current is not None and current.pk == token.pk,
    )


@router.get("/me/tokens", response=list[TokenInfoOut], summary="我的 API 令牌（不含令牌本身）")
def my_tokens(request: HttpRequest):
    current = getattr(request, "api_token", None)
    return [_info(t, current) for t in tokens.tokens_of(request.auth)]


@router.delete(
    "/me/tokens/{token_id}",
    response={204: None, 404: ErrorOut},
    summary="撤销我的一个 API 令牌（可以是当前使用的这个）",
)
def revoke_token(request: HttpRequest, token_id: int):
    # Filtered by the caller: someone else's token is "not found", exactly like a missing one.
    if not tokens.revoke(request.auth, token_id):
        return Status(404, ErrorOut(code="not_found", detail=_("令牌不存在。")))
    return Status(204, None)
