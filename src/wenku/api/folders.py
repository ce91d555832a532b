"""Folders (收藏夹/文辑) through the API: my folders (list, create, rename, describe, make public
or private, delete), a document into or out of one of them, and a folder's documents (mine, or
anyone's public one). The rules are `wenku.community.folders`': putting a document in a folder
favorites it, taking it out of its last folder unfavorites it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StringConstraints

from wenku.accounts.models import mask_name
from wenku.api.errors import ErrorOut
from wenku.community import folders
from wenku.community.models import Folder
from wenku.library.models import Document

from .reader import _page
from .tokens import optional_user
from .types import Text

router = Router(tags=["folders"])

# `Text` narrowed to what the service accepts, so that the schema says it (and a client, or
# the fuzzer, knows): at least one character that is not white space, no control character
# (NUL included), at most 50 characters.
FolderName = Annotated[
    str, StringConstraints(pattern=folders.NAME_PATTERN, max_length=folders.MAX_NAME)
]
NAME_HELP = "1–50 个字符（首尾空白会去掉），不含控制字符"


class FolderOut(Schema):
    id: int
    name: str
    description: str
    is_public: bool
    documents: int  # to its owner all of them; to anyone else its public documents
    url: str
    share_url: str | None  # the share link of a public folder, for its owner only
    owner_id: int
    owner: str  # masked, except to the owner
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def of(folder: Folder, viewer, documents: int) -> FolderOut:
        mine = getattr(viewer, "pk", None) == folder.owner_id
        name = folder.owner.get_username()
        return FolderOut(
            id=folder.pk,
            name=folder.name,
            description=folder.description,
            is_public=folder.is_public,
            documents=documents,
            url=folder.get_absolute_url(),
            share_url=folder.get_share_url() if mine and folder.is_public else None,
            owner_id=folder.owner_id,
            owner=name if mine else mask_name(name),
            created_at=folder.created_at,
            updated_at=folder.updated_at,
        )


class FolderDocOut(Schema):
    id: int
    title: str
    format: str
    pages: int
    url: str
    added_at: dt.datetime


class FolderDetailOut(Schema):
    folder: FolderOut
    documents: list[FolderDocOut]  # newest first, 50 a page


class FolderIn(Schema):
    name: FolderName = Field(description=NAME_HELP)
    description: Text = Field("", max_length=folders.MAX_DESCRIPTION)
    is_public: bool = False


class FolderEdit(Schema):
    name: FolderName | None = Field(None, description=NAME_HELP)
    description: Text | None = Field(None, max_length=folders.MAX_DESCRIPTION)
    is_public: bool | None = None


class FolderDeleted(Schema):
    deleted: int
    unfavorited: int  # documents that were in no other folder of mine, no longer favorites


class PlacedOut(Schema):
    folder: int
    document: int
    in_folder: bool
    changed: bool  # false when it already was (or was not) in the folder
    favorite: bool  # whether the document is still a favorite of mine (in any folder)
    favorite_count: int


def _own(request: HttpRequest, folder_id: int) -> Folder:
    return folders.own_folder(request.auth, folder_id)


def _mine(request: HttpRequest, folder: Folder) -> FolderOut:
    folder.owner = request.auth
    return FolderOut.of(folder, request.auth, folder.items.count())


@router.get("/me/folders", response=list[FolderOut], summary="我的收藏夹（先建的在前）")
def my_folders(request: HttpRequest):
    rows = folders.folders_of(request.auth)
    return [FolderOut.of(f, request.auth, f.item_count) for f in rows.select_related("owner")]


@router.post(
    "/me/folders",
    response={201: FolderOut, 400: ErrorOut, 409: ErrorOut},
    summary="新建收藏夹（名称不能重复，每人最多 50 个）",
)
def create_folder(request: HttpRequest, body: FolderIn):
    made = folders.create(request.auth, body.name, body.description, is_public=body.is_public)
    return Status(201, _mine(request, made))


@router.patch(
    "/me/folders/{folder_id}",
    response={200: FolderOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="重命名、修改简介、设为公开或私密",
)
def edit_folder(request: HttpRequest, folder_id: int, body: FolderEdit):
    folder = folders.edit(
        request.auth,
        _own(request, folder_id),
        name=body.name,
        description=body.description,
        is_public=body.is_public,
    )
    return _mine(request, folder)


@router.delete(
    "/me/folders/{folder_id}",
    response={200: FolderDeleted, 404: ErrorOut},
    summary="删除收藏夹（其中不在其他收藏夹里的文档取消收藏）",
)
def delete_folder(request: HttpRequest, folder_id: int):
    lost = folders.delete(request.auth, _own(request, folder_id))
    return FolderDeleted(deleted=folder_id, unfavorited=lost)


def _document(request: HttpRequest, number: int) -> Document:
    document = Document.objects.filter(number=number).first()
    if document is None or not document.visible_to(request.auth):
        raise HttpError(404, _("文档不存在。"))
    return document


def _placed(request: HttpRequest, folder: Folder, document: Document, changed: bool):
    holding = folders.folder_ids_holding(request.auth, document)
    document.refresh_from_db(fields=["favorite_count"])
    return PlacedOut(
        folder=folder.pk,
        document=document.number,
        in_folder=folder.pk in holding,
        changed=changed,
        favorite=bool(holding),
        favorite_count=document.favorite_count,
    )


@router.put(
    "/me/folders/{folder_id}/documents/{number}",
    response={200: PlacedOut, 404: ErrorOut, 409: ErrorOut},
    summary="把文档放进收藏夹（同时收藏；已发布的文档，每个收藏夹最多 1000 篇）",
)
def add_document(request: HttpRequest, folder_id: int, number: int):
    folder, document = _own(request, folder_id), _document(request, number)
    return _placed(request, folder, document, folders.add(request.auth, folder, document))


@router.delete(
    "/me/folders/{folder_id}/documents/{number}",
    response={200: PlacedOut, 404: ErrorOut},
    summary="把文档移出收藏夹（不在任何收藏夹里时取消收藏）",
)
def remove_document(request: HttpRequest, folder_id: int, number: int):
    folder = _own(request, folder_id)
    document = Document.objects.filter(number=number).first()
    if document is None:
        raise HttpError(404, _("文档不存在。"))
    return _placed(request, folder, document, folders.remove(request.auth, folder, document))


@router.get(
    "/folders/{folder_id}",
    response={200: FolderDetailOut, 404: ErrorOut},
    auth=None,
    summary="收藏夹及其文档（自己的，或别人公开的；最新在前，每页 50 篇）",
)
def get_folder(request: HttpRequest, folder_id: int, page: int = 1):
    viewer = optional_user(request)
    folder = folders.folder_for(viewer, folder_id)
    rows = folders.items_for(viewer, folder)
    return FolderDetailOut(
        folder=FolderOut.of(folder, viewer, rows.count()),
        documents=[
            FolderDocOut(
                id=item.document.number,
                title=item.document.title,
                format=item.document.format,
                pages=item.document.page_count,
                url=item.document.get_absolute_url(),
                added_at=item.added_at,
            )
            for item in _page(rows, page)
        ],
    )
