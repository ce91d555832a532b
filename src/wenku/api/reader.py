"""API for accounts and what a reader does with a document: the same services as the web pages."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from wenku.accounts import points, services
from wenku.accounts.forms import RegisterForm
from wenku.accounts.models import ApiToken, PointsEntry
from wenku.api.errors import ErrorOut
from wenku.api.types import Text
from wenku.community import services as community
from wenku.community.models import Favorite
from wenku.library import downloads
from wenku.library.models import Document, Download

router = Router(tags=["reader"])

PER_PAGE = 50


class Credentials(Schema):
    username: Text
    password: Text


class Registration(Schema):
    # Checked by the registration form, whose messages say exactly what is wrong (400).
    username: Text
    email: Text
    password: Text


class TokenOut(Schema):
    token: str
    username: str


class MeOut(Schema):
    username: str
    email: str
    points: int
    signed_in_today: bool


class EntryOut(Schema):
    delta: int
    balance: int
    reason: str
    reason_display: str
    memo: str
    document_id: int | None
    created_at: dt.datetime


class SignInOut(Schema):
    first_today: bool
    earned: int
    points: int


class DocRef(Schema):
    id: int
    title: str
    status: str
    url: str


class FavoriteOut(Schema):
    favorite: bool
    count: int


class TipIn(Schema):
    amount: int


class TipOut(Schema):
    amount: int
    points: int
    replayed: bool


class ReportIn(Schema):
    reason: Text
    details: Text = ""


class ReportOut(Schema):
    id: int
    status: str


def _document(request: HttpRequest, number: int) -> Document:
    document = get_object_or_404(Document.objects.select_related("uploader"), number=number)
    if not document.visible_to(request.auth):
        raise HttpError(404, _("文档不存在。"))
    return document


def _ref(document: Document | None) -> DocRef | None:
    if document is None:
        return None
    return DocRef(
        id=document.number,
        title=document.title,
        status=document.status,
        url=document.get_absolute_url(),
    )


MAX_PAGE = 100_000


def _page(queryset, page: int):
    # Clamped: an offset past the database's integers would be an error, not an empty page.
    page = min(max(page, 1), MAX_PAGE)
    return queryset[(page - 1) * PER_PAGE : page * PER_PAGE]


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut, 401: ErrorOut, 429: ErrorOut},
    summary="用用户名和密码换取 Bearer 令牌",
)
def issue_token(request: HttpRequest, body: Credentials):
    blocked = services.login_blocked(body.username, services.client_ip(request))
    if blocked:
        return Status(429, ErrorOut(code="throttled", detail=blocked))
    user = authenticate(request, username=body.username, password=body.password)
    if user is None:
        return Status(401, ErrorOut(code="bad_credentials", detail=_("用户名或密码不正确。")))
    _token, raw = ApiToken.issue(user, name="api")
    return Status(201, TokenOut(token=raw, username=user.get_username()))


@router.post(
    "/auth/register",
    auth=None,
    response={201: TokenOut, 400: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    summary="注册新用户（返回一个令牌；每个 IP 每小时有注册数上限）",
)
def register(request: HttpRequest, body: Registration):
    form = RegisterForm(
        {
            "username": body.username,
            "email": body.email,
            "password1": body.password,
            "password2": body.password,
        }
    )
    if not form.is_valid():
        detail = "；".join(str(e) for errors in form.errors.values() for e in errors)
        return Status(400, ErrorOut(code="invalid", detail=detail))
    user = services.register(
        body.username, form.cleaned_data["email"], body.password, request=request
    )
    _token, raw = ApiToken.issue(user, name="api")
    return Status(201, TokenOut(token=raw, username=user.get_username()))


@router.get("/me", response=MeOut, summary="我的资料与积分")
def me(request: HttpRequest):
    user = request.auth
    return MeOut(
        username=user.get_username(),
        email=user.email,
        points=points.balance_of(user),
        signed_in_today=services.signed_in_today(user),
    )


@router.get("/me/points", response=list[EntryOut], summary="积分明细（每页 50 条）")
def my_points(request: HttpRequest, page: int = 1):
    rows = PointsEntry.objects.filter(user=request.auth).select_related("document")
    return [
        EntryOut(
            delta=e.delta,
            balance=e.balance,
            reason=e.reason,
            reason_display=str(e.get_reason_display()),
            memo=e.memo,
            document_id=e.document.number if e.document else None,
            created_at=e.created_at,
        )
        for e in _page(rows, page)
    ]


@router.post("/me/signin", response={200: SignInOut, 403: ErrorOut}, summary="每日签到")
def sign_in(request: HttpRequest):
    first, earned = services.sign_in_today(request.auth)
    return SignInOut(first_today=first, earned=earned, points=points.balance_of(request.auth))


@router.get("/me/uploads", response=list[DocRef], summary="我的上传")
def my_uploads(request: HttpRequest, page: int = 1):
    return [_ref(d) for d in _page(Document.objects.filter(uploader=request.auth), page)]


@router.get("/me/favorites", response=list[DocRef], summary="我的收藏")
def my_favorites(request: HttpRequest, page: int = 1):
    rows = Favorite.objects.filter(user=request.auth).select_related("document")
    return [_ref(f.document) for f in _page(rows, page)]


@router.get("/me/downloads", response=list[DocRef], summary="我的下载")
def my_downloads(request: HttpRequest, page: int = 1):
    rows = Download.objects.filter(user=request.auth).select_related("document")
    return [_ref(d.document) for d in _page(rows, page)]


def _favorite(request: HttpRequest, number: int, on: bool):
    is_on, count = community.set_favorite(request.auth, _document(request, number), on)
    return FavoriteOut(favorite=is_on, count=count)


@router.put(
    "/documents/{number}/favorite", response={200: FavoriteOut, 409: ErrorOut}, summary="收藏"
)
def add_favorite(request: HttpRequest, number: int):
    return _favorite(request, number, True)


@router.delete(
    "/documents/{number}/favorite",
    response={200: FavoriteOut, 409: ErrorOut},
    summary="取消收藏",
)
def remove_favorite(request: HttpRequest, number: int):
    return _favorite(request, number, False)


@router.post(
    "/documents/{number}/tip",
    response={
        201: TipOut,
        200: TipOut,
        400: ErrorOut,
        402: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="打赏上传者（同一 Idempotency-Key 只扣一次）",
)
def tip(request: HttpRequest, number: int, body: TipIn):
    key = request.headers.get("Idempotency-Key", "")
    made, created = community.tip(request.auth, _document(request, number), body.amount, key)
    out = TipOut(amount=made.amount, points=points.balance_of(request.auth), replayed=not created)
    return Status(201 if created else 200, out)


@router.post(
    "/documents/{number}/report",
    response={201: ReportOut, 400: ErrorOut, 409: ErrorOut},
    summary="举报（原因：spam, porn, copyright, sensitive, abuse, other）",
)
def report(request: HttpRequest, number: int, body: ReportIn):
    made = community.report(request.auth, _document(request, number), body.reason, body.details)
    return Status(201, ReportOut(id=made.pk, status=made.status))


@router.post(
    "/documents/{number}/download",
    response={
        200: None,
        400: ErrorOut,
        401: ErrorOut,
        402: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        429: ErrorOut,
    },
    summary="下载原文件（kind=original）或 PDF 版（kind=pdf）；付费文档首次下载扣积分",
)
def download(request: HttpRequest, number: int, kind: str = "original"):
    grant = downloads.download(
        request.auth,
        _document(request, number),
        kind=kind,
        ip=services.client_ip(request),
    )
    return FileResponse(
        grant.open(), as_attachment=True, filename=grant.filename, content_type=grant.content_type
    )
