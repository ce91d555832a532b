"""The HTTP API (Django Ninja); its OpenAPI document is served at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import APIKeyCookie, HttpBearer

from wenku.accounts.services import client_ip
from wenku.api.docs import LocalSwagger
from wenku.api.errors import ErrorOut, WenkuAPI
from wenku.api.tokens import bearer_user, optional_user
from wenku.api.types import NO_NUL, Text
from wenku.conversion.ingest import Metadata, ingest
from wenku.library import metadata, removal
from wenku.library.models import Document


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return bearer_user(request, token)


class SessionAuth(APIKeyCookie):
    """A logged-in browser session; CSRF is checked, as for any form."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user if request.user.is_authenticated else None


api = WenkuAPI(
    title="Wenku API",
    version="1",
    description="文库 API：上传文档、查询转换状态。认证：浏览器会话（需 CSRF）或 Bearer 令牌。",
    auth=[BearerToken(), SessionAuth(csrf=True)],
    docs_url="/docs",
    docs=LocalSwagger(),
    urls_namespace="api",
)


class DocumentOut(Schema):
    id: int
    title: str
    status: str
    # `status: ready` alone does not say whether the document is public: moderation may hold it.
    review: Document.Review = Field(
        description="审核：auto 无需审核，pending 待审核，approved 审核通过，rejected 审核未通过，"
        "hidden 已屏蔽；在转换完成时决定"
    )
    format: str
    size: int
    pages: int
    preview_pages: int
    progress: int
    attempts: int
    error: str
    url: str

    @staticmethod
    def of(document: Document, *, show_error: bool = True) -> DocumentOut:
        return DocumentOut(
            id=document.number,
            title=document.title,
            status=document.status,
            review=document.review,
            format=document.format,
            size=document.size,
            pages=document.page_count,
            preview_pages=document.preview_page_count,
            progress=document.progress,
            attempts=document.attempts,
            error=document.error if show_error else "",
            url=document.get_absolute_url(),
        )


@api.post(
    "/documents",
    response={
        201: DocumentOut,
        400: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        429: ErrorOut,
    },
    summary="上传一个文档",
)
def upload_document(
    request: HttpRequest,
    file: File[UploadedFile],
    title: str = Form("", pattern=NO_NUL),
    description: str = Form("", pattern=NO_NUL),
    tags: str = Form("", pattern=NO_NUL),
    category: str = Form("", pattern=NO_NUL),
    price: Form[int] = 0,
):
    meta = Metadata(
        title=title, description=description, tags=tags, category=category or None, price=price
    )
    # Refusals (IngestError, Duplicate with the existing document's number) are answered by
    # the API's one handler (wenku.api.errors), with their own code and status.
    document = ingest(file, file.name or "", request.auth, meta, ip=client_ip(request))
    return Status(201, DocumentOut.of(document))


@api.get(
    "/documents/{number}",
    response={200: DocumentOut, 404: ErrorOut},
    auth=None,
    summary="文档状态、页数与错误",
)
def get_document(request: HttpRequest, number: int):
    document = Document.objects.filter(number=number).first()
    if document is None:
        raise HttpError(404, _("文档不存在。"))
    user = optional_user(request)
    if not document.visible_to(user):
        raise HttpError(404, _("文档不存在。"))
    return DocumentOut.of(document, show_error=document.is_owned_by(user))


class DocumentEdit(Schema):
    title: Text | None = Field(None, max_length=1000)
    description: Text | None = Field(None, max_length=100_000)
    price: int | None = None


def _own_document(request: HttpRequest, number: int) -> Document:
    """The caller's document (staff: any); another user's is a 404, as if it did not exist."""
    document = Document.objects.filter(number=number).first()
    if document is None or not document.is_owned_by(request.auth):
        raise HttpError(404, _("文档不存在。"))
    return document


@api.patch(
    "/documents/{number}",
    response={200: DocumentOut, 400: ErrorOut, 404: ErrorOut},
    summary="修改自己文档的标题、简介或价格",
)
def edit_document(request: HttpRequest, number: int, body: DocumentEdit):
    document = metadata.edit_document(
        _own_document(request, number),
        by=request.auth,
        title=body.title,
        description=body.description,
        price=body.price,
    )
    return DocumentOut.of(document)


class DeletedOut(Schema):
    deleted: int
    points_lost: int


@api.delete(
    "/documents/{number}",
    response={200: DeletedOut, 404: ErrorOut},
    summary="删除自己的文档（已发布的文档按站点设置扣积分）",
)
def delete_document(request: HttpRequest, number: int):
    document = _own_document(request, number)
    lost = removal.delete_document(document, by=request.auth)
    return DeletedOut(deleted=number, points_lost=lost)


from wenku.api.reader import router as reader_router  # noqa: E402

api.add_router("/", reader_router)


from wenku.api.search import router as search_router  # noqa: E402

api.add_router("/search", search_router)


from wenku.api.feedback import router as feedback_router  # noqa: E402

api.add_router("/", feedback_router)


from wenku.api.people import router as people_router  # noqa: E402

api.add_router("/", people_router)


from wenku.api.folders import router as folders_router  # noqa: E402

api.add_router("/", folders_router)


from wenku.api.tokens import router as tokens_router  # noqa: E402

api.add_router("/", tokens_router)


from wenku.api.notices import router as notices_router  # noqa: E402

api.add_router("/", notices_router, tags=["notifications"])


from wenku.api.complaints import router as complaints_router  # noqa: E402

api.add_router("/", complaints_router, tags=["complaints"])
