"""The caller's notices (站内信) through the API: the list, the unread count, marking read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from wenku.api.errors import ErrorOut
from wenku.notices import services
from wenku.notices.models import Notice

router = Router()

PER_PAGE = 50
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1


class NoticeOut(Schema):
    id: int
    kind: Notice.Kind = Field(
        description="reply 评论被回复，converted 转换完成，failed 转换失败，held 等待审核，"
        "approved 审核通过，rejected 审核未通过，hidden 文档被屏蔽，tip 收到打赏，"
        "purchase 文档被购买，report 举报处理结果，complaint 版权投诉"
    )
    text: str  # plain text, in the site's language when it was written: escape it in HTML
    url: str  # a path of this site, or ""
    document_id: int | None  # the document's number, while it exists
    created_at: dt.datetime
    read: bool

    @staticmethod
    def of(notice: Notice) -> NoticeOut:
        return NoticeOut(
            id=notice.pk,
            kind=notice.kind,
            text=notice.text,
            url=notice.url,
            document_id=notice.document.number if notice.document else None,
            created_at=notice.created_at,
            read=notice.read_at is not None,
        )


class CountOut(Schema):
    unread: int


class ReadIn(Schema):
    # Absent (`{}`): every notice. Ids of other users' notices are ignored.
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(None, max_length=1000)


class ReadOut(Schema):
    marked: int  # how many were unread and are now read
    unread: int


@router.get(
    "/me/notices",
    response={200: list[NoticeOut]},
    summary="我的消息（新的在前，每页 50 条；unread=true 只列未读）",
)
def my_notices(request: HttpRequest, unread: bool = False, page: int = 1):
    page = min(max(page, 1), MAX_PAGE)
    rows = services.notices_for(request.auth, unread=unread).select_related("document")
    return [NoticeOut.of(n) for n in rows[(page - 1) * PER_PAGE : page * PER_PAGE]]


@router.get("/me/notices/count", response={200: CountOut}, summary="未读消息数")
def unread_count(request: HttpRequest):
    return CountOut(unread=services.unread_count(request.auth))


@router.post(
    "/me/notices/read",
    response={200: ReadOut, 400: ErrorOut},
    summary='标为已读：{"ids": [...]} 中的消息，或 {} 全部',
)
def mark_read(request: HttpRequest, body: ReadIn):
    marked = services.mark_read(request.auth, body.ids)
    return ReadOut(marked=marked, unread=services.unread_count(request.auth))
