"""Readers and uploaders through the API: a user's home page (name, counts, avatar, public
documents), following them, whom I follow and my 关注 feed. The rules are
`wenku.community.follows`'; names are masked as on the pages (only the caller sees their own)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from wenku.accounts.avatars import avatar_url
from wenku.accounts.models import User, mask_name
from wenku.api.errors import ErrorOut
from wenku.community import follows
from wenku.library.models import Document

from .reader import _page
from .tokens import optional_user

router = Router(tags=["follows"])


def _name(user: User, viewer) -> str:
    """The name `viewer` may see: masked, except their own."""
    if getattr(viewer, "pk", None) == user.pk:
        return user.get_username()
    return mask_name(user.get_username())


class UserOut(Schema):
    id: int
    name: str  # masked, as on the home page
    avatar_url: str
    url: str
    documents: int  # public documents
    followers: int
    following: int
    downloads: int  # of the public documents
    is_following: bool  # whether the caller follows this user (false when anonymous)


class PersonOut(Schema):
    id: int
    name: str
    avatar_url: str
    url: str
    followed_at: dt.datetime


class PublicDocOut(Schema):
    id: int
    title: str
    format: str
    pages: int
    downloads: int
    price: int
    created_at: dt.datetime
    url: str
    uploader_id: int
    uploader: str  # masked

    @staticmethod
    def of(document: Document, viewer) -> PublicDocOut:
        return PublicDocOut(
            id=document.number,
            title=document.title,
            format=document.format,
            pages=document.page_count,
            downloads=document.download_count,
            price=document.price,
            created_at=document.created_at,
            url=document.get_absolute_url(),
            uploader_id=document.uploader_id,
            uploader=_name(document.uploader, viewer),
        )


class FollowOut(Schema):
    following: bool
    followers: int


@router.get(
    "/users/{user_id}",
    response={200: UserOut, 404: ErrorOut},
    auth=None,
    summary="用户主页：名字（已隐去部分）、头像、公开文档数、粉丝数、关注数、总下载",
)
def get_user(request: HttpRequest, user_id: int):
    viewer = optional_user(request)
    person = follows.person(user_id)
    counts = follows.counts(person)
    return UserOut(
        id=person.pk,
        name=_name(person, viewer),
        avatar_url=avatar_url(person),
        url=reverse("web:user", args=[person.pk]),
        documents=counts.documents,
        followers=counts.followers,
        following=counts.following,
        downloads=counts.downloads,
        is_following=follows.is_following(viewer, person),
    )


@router.get(
    "/users/{user_id}/documents",
    response={200: list[PublicDocOut], 404: ErrorOut},
    auth=None,
    summary="用户的公开文档（最新在前，每页 50 篇）",
)
def user_documents(request: HttpRequest, user_id: int, page: int = 1):
    viewer = optional_user(request)
    person = follows.person(user_id)
    rows = follows.public_uploads(person).select_related("uploader")
    return [PublicDocOut.of(d, viewer) for d in _page(rows, page)]


def _follow(request: HttpRequest, user_id: int, on: bool) -> FollowOut:
    following, count = follows.set_following(request.auth, follows.person(user_id), on)
    return FollowOut(following=following, followers=count)


@router.put(
    "/users/{user_id}/follow",
    response={200: FollowOut, 400: ErrorOut, 404: ErrorOut},
    summary="关注用户（重复关注无影响；不能关注自己）",
)
def follow_user(request: HttpRequest, user_id: int):
    return _follow(request, user_id, True)


@router.delete(
    "/users/{user_id}/follow",
    response={200: FollowOut, 404: ErrorOut},
    summary="取消关注",
)
def unfollow_user(request: HttpRequest, user_id: int):
    return _follow(request, user_id, False)


@router.get("/me/following", response=list[PersonOut], summary="我关注的人（每页 50 人）")
def my_following(request: HttpRequest, page: int = 1):
    return [
        PersonOut(
            id=row.followed_id,
            name=_name(row.followed, request.auth),
            avatar_url=avatar_url(row.followed),
            url=reverse("web:user", args=[row.followed_id]),
            followed_at=row.created_at,
        )
        for row in _page(follows.following_of(request.auth), page)
    ]


@router.get(
    "/me/feed", response=list[PublicDocOut], summary="关注的人的公开文档（最新在前，每页 50 篇）"
)
def my_feed(request: HttpRequest, page: int = 1):
    return [PublicDocOut.of(d, request.auth) for d in _page(follows.feed(request.auth), page)]
