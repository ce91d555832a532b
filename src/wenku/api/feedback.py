"""Comments and ratings of a document through the API: the services the web pages use."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from wenku.accounts.models import mask_name
from wenku.api.errors import ErrorOut
from wenku.community import comments, ratings
from wenku.community.models import Comment
from wenku.library.models import Document

from .tokens import optional_user
from .types import Text

router = Router()


def _document(user, number: int) -> Document:
    document = get_object_or_404(Document.objects.select_related("uploader"), number=number)
    if not document.visible_to(user):
        raise HttpError(404, _("文档不存在。"))
    return document


class CommentOut(Schema):
    id: int
    author: str  # masked, as on the page
    text: str  # plain text: escape it before putting it in HTML
    created_at: dt.datetime
    status: str  # visible; pending (only its author sees it) with `note` saying why
    note: str
    replies: list[CommentOut] = []

    @staticmethod
    def of(comment: Comment, viewer) -> CommentOut:
        mine = getattr(viewer, "pk", None) == comment.author_id
        return CommentOut(
            id=comment.pk,
            author=comment.author.get_username()
            if mine
            else mask_name(comment.author.get_username()),
            text=comment.text,
            created_at=comment.created_at,
            status=comment.status,
            note=comment.note if mine else "",
            replies=[CommentOut.of(r, viewer) for r in getattr(comment, "shown_replies", [])],
        )


class CommentIn(Schema):
    text: Text = Field(max_length=10_000)
    reply_to: int | None = None


@router.get(
    "/documents/{number}/comments",
    response={200: list[CommentOut], 404: ErrorOut},
    auth=None,
    tags=["comments"],
    summary="文档的评论（含一层回复，按时间先后）",
)
def list_comments(request: HttpRequest, number: int):
    viewer = optional_user(request)
    document = _document(viewer, number)
    return [CommentOut.of(c, viewer) for c in comments.thread(document, viewer)]


@router.post(
    "/documents/{number}/comments",
    response={201: CommentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
              429: ErrorOut},
    tags=["comments"],
    summary="发表评论或回复（含敏感词或按站点设置需审核时先待审核）",
)  # fmt: skip
def post_comment(request: HttpRequest, number: int, body: CommentIn):
    document = _document(request.auth, number)
    made = comments.post(request.auth, document, body.text, reply_to=body.reply_to)
    return Status(201, CommentOut.of(made, request.auth))


class Deleted(Schema):
    deleted: int


@router.delete(
    "/comments/{comment_id}",
    response={200: Deleted, 404: ErrorOut},
    tags=["comments"],
    summary="删除自己的评论",
)
def delete_comment(request: HttpRequest, comment_id: int):
    made = Comment.objects.filter(pk=comment_id).select_related("document").first()
    if made is None:
        raise HttpError(404, _("评论不存在。"))
    comments.delete(request.auth, made)
    return Deleted(deleted=comment_id)


class CommentReportIn(Schema):
    reason: Text  # spam, porn, copyright, sensitive, abuse, other


class CommentReported(Schema):
    reported: int
    held: bool  # reported by enough readers: waiting for a moderator again


@router.post(
    "/comments/{comment_id}/report",
    response={201: CommentReported, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    tags=["comments"],
    summary="举报评论（原因：spam, porn, copyright, sensitive, abuse, other）",
)
def report_comment(request: HttpRequest, comment_id: int, body: CommentReportIn):
    made = Comment.objects.filter(pk=comment_id).select_related("document").first()
    if made is None or not made.document.visible_to(request.auth):
        raise HttpError(404, _("评论不存在。"))
    made = comments.report(request.auth, made, body.reason)
    return Status(201, CommentReported(reported=comment_id, held=made.status == "pending"))


class RatingOut(Schema):
    average: float | None
    count: int
    mine: int | None  # the caller's stars, if any
    may_rate: bool  # readers who downloaded the document may rate it, never its uploader


class RatingIn(Schema):
    stars: int = Field(ge=1, le=5)


def _rating(document: Document, user) -> RatingOut:
    return RatingOut(
        average=document.rating_average,
        count=document.rating_count,
        mine=ratings.my_rating(user, document),
        may_rate=ratings.may_rate(user, document),
    )


@router.get(
    "/documents/{number}/rating",
    response={200: RatingOut, 404: ErrorOut},
    auth=None,
    tags=["ratings"],
    summary="文档的评分（平均分、人数、我的评分）",
)
def get_rating(request: HttpRequest, number: int):
    viewer = optional_user(request)
    return _rating(_document(viewer, number), viewer)


@router.put(
    "/documents/{number}/rating",
    response={200: RatingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    tags=["ratings"],
    summary="评分 1–5 星（下载过的读者；可修改）",
)
def put_rating(request: HttpRequest, number: int, body: RatingIn):
    document = ratings.rate(request.auth, _document(request.auth, number), body.stars)
    return _rating(document, request.auth)
