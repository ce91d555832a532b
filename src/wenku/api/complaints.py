"""Copyright complaints (版权投诉) through the API: file one against a document, list mine (as
complainant or as uploader), counter one taken down. The services the web pages use
(`wenku.moderation.complaints`); their refusals come back with their own code and status."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from wenku.api.errors import ErrorOut
from wenku.library.models import Document
from wenku.moderation import complaints
from wenku.moderation.models import Complaint

from .types import NO_NUL

router = Router()

PER_PAGE = 50


class ProofOut(Schema):
    which: str  # identity, rights or counter
    url: str  # a path of this site: the file, to a logged-in browser session


class ComplaintOut(Schema):
    id: int
    role: str = Field(description="complainant 我是投诉人，uploader 我是被投诉文档的上传者")
    status: Complaint.Status = Field(
        description="open 待处理，taken_down 已下架（可提交反通知），rejected 未采纳，"
        "countered 已提交反通知，restored 已恢复，upheld 投诉成立"
    )
    document_id: int | None  # the document's number, while it exists
    document_title: str
    rights_holder: str
    work: str
    urls: list[str]
    moderator_note: str
    counter_statement: str
    created_at: dt.datetime
    countered_at: dt.datetime | None
    url: str  # the complaint's page
    proofs: list[ProofOut]

    @staticmethod
    def of(complaint: Complaint, user) -> ComplaintOut:
        return ComplaintOut(
            id=complaint.pk,
            role="complainant" if user.pk == complaint.complainant_id else "uploader",
            status=complaint.status,
            document_id=complaint.document.number if complaint.document else None,
            document_title=complaint.document_title,
            rights_holder=complaint.rights_holder,
            work=complaint.work,
            urls=complaint.urls.splitlines(),
            moderator_note=complaint.moderator_note,
            counter_statement=complaint.counter_statement,
            created_at=complaint.created_at,
            countered_at=complaint.countered_at,
            url=reverse("complaints:detail", args=[complaint.pk]),
            proofs=[
                ProofOut(
                    which=which,
                    url=reverse("complaints:proof_file", args=[complaint.pk, which]),
                )
                for which in complaints.files_for(complaint, user)
            ],
        )


@router.post(
    "/documents/{number}/complaints",
    response={201: ComplaintOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
              413: ErrorOut, 429: ErrorOut},
    summary="对文档提交版权投诉（multipart：权利人、联系方式、作品、网址、声明与两份证明材料）",
)  # fmt: skip
def file_complaint(
    request: HttpRequest,
    number: int,
    identity_proof: File[UploadedFile],
    rights_proof: File[UploadedFile],
    rights_holder: str = Form(..., pattern=NO_NUL, max_length=10_000),
    contact: str = Form(..., pattern=NO_NUL, max_length=10_000),
    work: str = Form(..., pattern=NO_NUL, max_length=10_000),
    urls: str = Form(..., pattern=NO_NUL, max_length=100_000),
    statement: bool = Form(..., description="勾选真实性声明：须为 true"),
):
    document = Document.objects.select_related("uploader").filter(number=number).first()
    if document is None or not document.visible_to(request.auth):
        raise HttpError(404, _("文档不存在。"))
    data = {
        "rights_holder": rights_holder,
        "contact": contact,
        "work": work,
        "urls": urls,
        "statement": statement,
    }
    files = {"identity_proof": identity_proof, "rights_proof": rights_proof}
    made = complaints.file(request.auth, document, data, files)
    return Status(201, ComplaintOut.of(made, request.auth))


@router.get(
    "/me/complaints",
    response={200: list[ComplaintOut]},
    summary="我的版权投诉（作为投诉人或被投诉文档的上传者），最新的在前",
)
def my_complaints(request: HttpRequest, page: int = Query(1, ge=1, le=10_000)):
    start = (page - 1) * PER_PAGE
    rows = complaints.mine(request.auth)[start : start + PER_PAGE]
    return [ComplaintOut.of(c, request.auth) for c in rows]


@router.post(
    "/complaints/{complaint_id}/counter",
    response={200: ComplaintOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
              413: ErrorOut},
    summary="上传者对已下架的文档提交反通知（multipart：说明与证明材料）",
)  # fmt: skip
def counter(
    request: HttpRequest,
    complaint_id: int,
    counter_proof: File[UploadedFile],
    counter_statement: str = Form(..., pattern=NO_NUL, max_length=100_000),
):
    complaint = complaints.complaint_for(request.auth, complaint_id)
    if complaint is None:
        raise HttpError(404, _("投诉不存在。"))
    made = complaints.counter(complaint, request.auth, counter_statement, counter_proof)
    return ComplaintOut.of(made, request.auth)
