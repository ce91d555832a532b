"""Folders (收藏夹/文辑): a reader's favorites in named folders, private or public; shared by the
web views and the API.

Rules:
- A logged-in reader owns at most `MAX_FOLDERS` folders, each with a name unique among theirs
  (trimmed, 1 to `MAX_NAME` characters, no control characters: `NAME_PATTERN`), a description
  of at most `MAX_DESCRIPTION` characters (control characters other than line breaks removed)
  and at most `MAX_ITEMS` documents. Past a limit the action is refused (409) and nothing
  changes; a name taken by another of one's folders is refused too (409), except in the
  "收藏到…" panel (`place`), where typing a folder's name means that folder.
- The default folder `DEFAULT_NAME` is created on first need: when a document is favorited
  without a folder named (the 收藏 button) and is in none of the reader's folders yet, and when
  a reader with no folder at all opens the "收藏到…" panel. It is a folder like any other:
  renamed or deleted, it is made again on the next need.
- Only published documents go into a folder (409 otherwise); taking one out always works.
- A private folder is a 404 to anyone but its owner (staff too), by its id and by its share
  link alike; a public folder is reachable by both. An inactive owner's folders are 404.
- A folder lists its documents newest first, and only those the viewer may see: to its owner
  what `Document.visible_to` lets them open, to anyone else public documents only
  (`public_q`), never a private, unlisted, held or unconverted one.

Invariant (one favorite per document): a reader's `Favorite` of a document exists exactly when
the document is in at least one of their folders, and `Document.favorite_count` counts those
favorites. Every change here keeps it in the transaction that changes the folders, with the
reader's row locked so that two requests of one reader cannot interleave:
- adding a document to a folder favorites it (once, however many folders hold it);
- removing it from its last folder, or deleting the last folder that holds it, unfavorites it;
- unfavoriting (`set_favorite(..., False)`, the 收藏 button) removes it from all the reader's
  folders; favoriting puts it into the default folder unless a folder holds it already.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from wenku.accounts import points
from wenku.library.models import Document, public_q, published_q

from .models import Favorite, Folder, FolderItem
from .refusals import ActionRefused, require_published

DEFAULT_NAME = "默认收藏夹"
MAX_FOLDERS = 50
MAX_ITEMS = 1000
MAX_NAME = 50
MAX_DESCRIPTION = 500

# Characters a name may not hold: C0 and C1 controls, and the bidirectional overrides and
# isolates, which would make a name read otherwise than it is written.
_CONTROL = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# A valid name, for the API's schema too: at least one character that is neither white space
# nor a control, and no control anywhere (white space around it is trimmed).
NAME_PATTERN = rf"^\s*[^\s{_CONTROL}][^{_CONTROL}]*$"
_NAME = re.compile(NAME_PATTERN)


def clean_name(name: str) -> str:
    """The name trimmed; refused (400) if empty, too long or holding a control character."""
    name = name or ""
    if any(unicodedata.category(ch) == "Cs" for ch in name) or not _NAME.fullmatch(name):
        if not name.strip():
            raise ActionRefused(_("请填写收藏夹名称。"), "empty_name", 400)
        raise ActionRefused(_("收藏夹名称不能包含控制字符。"), "bad_name", 400)
    name = name.strip()
    if len(name) > MAX_NAME:
        raise ActionRefused(
            _("收藏夹名称最多 %(max)s 字（现在 %(n)s 字）。") % {"max": MAX_NAME, "n": len(name)},
            "name_too_long",
            400,
        )
    return name


def clean_description(text: str) -> str:
    text = "".join(
        ch for ch in (text or "") if ch == "\n" or unicodedata.category(ch)[0] != "C"
    ).strip()
    if len(text) > MAX_DESCRIPTION:
        raise ActionRefused(
            _("简介最多 %(max)s 字（现在 %(n)s 字）。") % {"max": MAX_DESCRIPTION, "n": len(text)},
            "description_too_long",
            400,
        )
    return text


def _name_taken() -> ActionRefused:
    return ActionRefused(_("已有同名的收藏夹，请换一个名称。"), "name_taken", 409)


def _too_many() -> ActionRefused:
    return ActionRefused(
        _("最多只能建 %(max)s 个收藏夹，请先删除不用的收藏夹。") % {"max": MAX_FOLDERS},
        "too_many_folders",
        409,
    )


def _lock(user) -> None:
    """Serialize one reader's folder changes (the invariant is checked after each)."""
    points.lock_users(user)


# Reading ----------------------------------------------------------------------------------------


def folders_of(user) -> QuerySet[Folder]:
    """`user`'s folders, oldest first, each with `item_count` (all its documents)."""
    return Folder.objects.filter(owner=user).annotate(item_count=Count("items"))


def public_folders_of(person) -> QuerySet[Folder]:
    """`person`'s public folders, oldest first, each with `item_count`: its public documents
    (what anyone else sees of it)."""
    return Folder.objects.filter(owner=person, is_public=True).annotate(
        item_count=Count("items", filter=public_q("items__document__"))
    )


def own_folder(user, folder_id: int) -> Folder:
    """`user`'s folder `folder_id`; refused (404) for anyone else's, as if it did not exist."""
    found = Folder.objects.filter(pk=folder_id, owner=user).first()
    if found is None:
        raise ActionRefused(_("收藏夹不存在。"), "not_found", 404)
    return found


def folder_for(viewer, folder_id: int | None = None, *, token: str | None = None) -> Folder:
    """The folder `folder_id` (or the one whose share link is `token`) if `viewer` may open it:
    its owner always, anyone while it is public and its owner active; else refused (404)."""
    rows = Folder.objects.select_related("owner")
    found = rows.filter(share_token=token).first() if token else rows.filter(pk=folder_id).first()
    if found is not None and getattr(viewer, "pk", None) == found.owner_id:
        return found
    if found is None or not found.is_public or not found.owner.is_active:
        raise ActionRefused(_("收藏夹不存在。"), "not_found", 404)
    return found


def items_for(viewer, folder: Folder) -> QuerySet[FolderItem]:
    """The documents of `folder` that `viewer` may see, newest first, `document` loaded."""
    rows = FolderItem.objects.filter(folder=folder).select_related("document")
    if getattr(viewer, "pk", None) != folder.owner_id:
        rows = rows.filter(public_q("document__"))
    elif not viewer.is_staff:  # `Document.visible_to`, as a query
        listed = published_q("document__") & ~Q(document__visibility=Document.Visibility.PRIVATE)
        rows = rows.filter(listed | Q(document__uploader=viewer))
    return rows.order_by("-added_at", "-pk")


def folder_ids_holding(user, document: Document) -> set[int]:
    """Which of `user`'s folders hold `document`."""
    return set(
        FolderItem.objects.filter(folder__owner=user, document=document).values_list(
            "folder_id", flat=True
        )
    )


# The favorite invariant -------------------------------------------------------------------------


def _count(documents: Iterable[int], change: int) -> None:
    ids = list(documents)
    if ids:
        Document.objects.filter(pk__in=ids).update(
            favorite_count=Greatest(F("favorite_count") + change, 0)
        )


def _agree(user, document_ids: Iterable[int]) -> int:
    """Make `user`'s favorites of these documents agree with their folders (see the module's
    invariant), and the documents' favorite counts with them; returns how many documents are
    no longer favorites. Inside the caller's transaction."""
    ids = set(document_ids)
    if not ids:
        return 0
    held = set(
        FolderItem.objects.filter(folder__owner=user, document_id__in=ids).values_list(
            "document_id", flat=True
        )
    )
    favorites = set(
        Favorite.objects.filter(user=user, document_id__in=ids).values_list(
            "document_id", flat=True
        )
    )
    gained, lost = held - favorites, (ids - held) & favorites
    if gained:
        Favorite.objects.bulk_create([Favorite(user=user, document_id=pk) for pk in gained])
        _count(gained, 1)
    if lost:
        Favorite.objects.filter(user=user, document_id__in=lost).delete()
        _count(lost, -1)
    return len(lost)


def _favorite_count(document: Document) -> int:
    return Document.objects.filter(pk=document.pk).values_list("favorite_count", flat=True).get()


def default_folder(user) -> Folder:
    """`user`'s default folder, made if it is not there (within the folder limit)."""
    found = Folder.objects.filter(owner=user, name=DEFAULT_NAME).first()
    if found is None:
        try:
            found = _create(user, DEFAULT_NAME)
        except ActionRefused as exc:  # made meanwhile by another request of the same reader
            if exc.code != "name_taken":
                raise
            found = Folder.objects.get(owner=user, name=DEFAULT_NAME)
    return found


def set_favorite(user, document: Document, on: bool) -> tuple[bool, int]:
    """Favorite or unfavorite; returns (is favorite now, favorite count). Idempotent.

    Favoriting puts the document into the default folder unless one of `user`'s folders holds
    it; unfavoriting takes it out of all of them."""
    require_published(document)
    with transaction.atomic():
        _lock(user)
        mine = FolderItem.objects.filter(folder__owner=user, document=document)
        if on and not mine.exists():
            _put(default_folder(user), document)
        elif not on:
            touched = list(mine.values_list("folder_id", flat=True))
            mine.delete()
            Folder.objects.filter(pk__in=touched).update(updated_at=timezone.now())
        _agree(user, [document.pk])
        return on, _favorite_count(document)


# Changing folders -------------------------------------------------------------------------------


def _create(user, name: str, description: str = "", is_public: bool = False) -> Folder:
    if Folder.objects.filter(owner=user).count() >= MAX_FOLDERS:
        raise _too_many()
    try:
        with transaction.atomic():
            return Folder.objects.create(
                owner=user, name=name, description=description, is_public=is_public
            )
    except IntegrityError:
        raise _name_taken() from None


def create(user, name: str, description: str = "", *, is_public: bool = False) -> Folder:
    """A new folder of `user`'s, empty."""
    name, description = clean_name(name), clean_description(description)
    with transaction.atomic():
        _lock(user)
        return _create(user, name, description, is_public)


def edit(
    user,
    folder: Folder,
    *,
    name: str | None = None,
    description: str | None = None,
    is_public: bool | None = None,
) -> Folder:
    """Rename `folder`, change its description or make it public or private (what is given)."""
    if folder.owner_id != user.pk:
        raise ActionRefused(_("收藏夹不存在。"), "not_found", 404)
    if name is not None:
        folder.name = clean_name(name)
    if description is not None:
        folder.description = clean_description(description)
    if is_public is not None:
        folder.is_public = is_public
    try:
        with transaction.atomic():
            folder.save()
    except IntegrityError:
        raise _name_taken() from None
    return folder


def delete(user, folder: Folder) -> int:
    """Delete `folder` and its items; documents no other folder of `user`'s holds are no longer
    favorites. Returns how many were unfavorited."""
    if folder.owner_id != user.pk:
        raise ActionRefused(_("收藏夹不存在。"), "not_found", 404)
    with transaction.atomic():
        _lock(user)
        held = set(folder.items.values_list("document_id", flat=True))
        folder.delete()
        return _agree(user, held)


def _put(folder: Folder, document: Document) -> bool:
    """Put `document` into `folder` (within its limit); False if it was there already."""
    if FolderItem.objects.filter(folder=folder, document=document).exists():
        return False
    if FolderItem.objects.filter(folder=folder).count() >= MAX_ITEMS:
        raise ActionRefused(
            _("收藏夹“%(name)s”已满（最多 %(max)s 篇），请收藏到其他收藏夹。")
            % {"name": folder.name, "max": MAX_ITEMS},
            "folder_full",
            409,
        )
    FolderItem.objects.create(folder=folder, document=document)
    Folder.objects.filter(pk=folder.pk).update(updated_at=timezone.now())
    return True


def add(user, folder: Folder, document: Document) -> bool:
    """Put a published `document` into `user`'s `folder` (a favorite now); False if it was
    there already."""
    if folder.owner_id != user.pk:
        raise ActionRefused(_("收藏夹不存在。"), "not_found", 404)
    require_published(document)
    with transaction.atomic():
        _lock(user)
        added = _put(folder, document)
        _agree(user, [document.pk])
    return added


def remove(user, folder: Folder, document: Document) -> bool:
    """Take `document` out of `user`'s `folder` (no longer a favorite if it was the last folder
    holding it); False if it was not there."""
    if folder.owner_id != user.pk:
        raise ActionRefused(_("收藏夹不存在。"), "not_found", 404)
    with transaction.atomic():
        _lock(user)
        removed = FolderItem.objects.filter(folder=folder, document=document).delete()[0] > 0
        if removed:
            Folder.objects.filter(pk=folder.pk).update(updated_at=timezone.now())
        _agree(user, [document.pk])
    return removed


def place(user, document: Document, folder_ids: Iterable[int], new_name: str = "") -> set[int]:
    """The "收藏到…" panel: `document` ends up in exactly the folders `folder_ids` of `user`'s
    (ids of others' folders are ignored), plus a new folder `new_name` if one is given; all or
    nothing. Returns the ids of the folders holding it now."""
    require_published(document)
    wanted = set(folder_ids)
    name = clean_name(new_name) if (new_name or "").strip() else ""
    with transaction.atomic():
        _lock(user)
        mine = dict(Folder.objects.filter(owner=user).values_list("name", "pk"))
        wanted &= set(mine.values())
        if name:  # a name already taken names that folder
            wanted.add(mine[name] if name in mine else _create(user, name).pk)
        holding = folder_ids_holding(user, document)
        for folder in Folder.objects.filter(pk__in=wanted - holding).order_by("pk"):
            _put(folder, document)
        gone = holding - wanted
        if gone:
            FolderItem.objects.filter(folder_id__in=gone, document=document).delete()
            Folder.objects.filter(pk__in=gone).update(updated_at=timezone.now())
        _agree(user, [document.pk])
    return wanted
