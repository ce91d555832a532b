"""Folders (收藏夹/文辑) on the web: the `/me/folders/` tab (create, rename, describe, make public
or private, delete), a folder's page (`/folders/<id>/`, and `/folders/s/<token>/`, its share
link), and the document page's "收藏到…" panel. Plain forms that work without JavaScript; the
panel is loaded and saved in place by htmx. The rules are `wenku.community.folders`'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wenku.accounts.views.me import render_tab
from wenku.community import folders
from wenku.community.models import Folder
from wenku.community.refusals import ActionRefused
from wenku.community.services import is_favorite
from wenku.library.access import document_for
from wenku.library.models import Document

PER_PAGE = 20
# What a folder's list shows of each document.
DOCUMENT_FIELDS = [
    f"document__{name}"
    for name in ("number", "title", "format", "page_count", "download_count", "created_at")
]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _own(request: HttpRequest, folder_id: int) -> Folder:
    try:
        return folders.own_folder(request.user, folder_id)
    except ActionRefused:
        raise Http404 from None


# /me/folders/ -----------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The tab: my folders, and a form to make a new one."""
    values = {}
    if request.method == "POST":
        values = request.POST
        try:
            made = folders.create(
                request.user,
                request.POST.get("name", ""),
                request.POST.get("description", ""),
                is_public=request.POST.get("is_public") == "1",
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已新建收藏夹“%(name)s”。") % {"name": made.name})
            return redirect("web:folders")
    share_base = request.build_absolute_uri("/")[:-1]
    return render_tab(
        request,
        "folders",
        template="community/me_folders.html",
        folders=list(folders.folders_of(request.user)),
        share_base=share_base,
        values=values,
        max_folders=folders.MAX_FOLDERS,
    )


def _after_edit(request: HttpRequest, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect("web:folders")


@login_required
@require_POST
def edit(request: HttpRequest, folder_id: int) -> HttpResponse:
    folder = _own(request, folder_id)
    try:
        folders.edit(
            request.user,
            folder,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("web:folders")
    return _after_edit(request, _("收藏夹已保存。"))


@login_required
@require_POST
def publish(request: HttpRequest, folder_id: int) -> HttpResponse:
    """Make a folder public (`on=1`) or private (`on=0`)."""
    folder = folders.edit(request.user, _own(request, folder_id),
                          is_public=request.POST.get("on") == "1")  # fmt: skip
    if folder.is_public:
        return _after_edit(
            request, _("“%(name)s”已公开，任何人都可以通过分享链接查看。") % {"name": folder.name}
        )
    return _after_edit(request, _("“%(name)s”已设为私密，只有您能看到。") % {"name": folder.name})


@login_required
@require_POST
def delete(request: HttpRequest, folder_id: int) -> HttpResponse:
    folder = _own(request, folder_id)
    name = folder.name
    lost = folders.delete(request.user, folder)
    if lost:
        done = ngettext(
            "已删除收藏夹“%(name)s”，%(n)s 篇不在其他收藏夹中的文档已取消收藏。",
            "已删除收藏夹“%(name)s”，%(n)s 篇不在其他收藏夹中的文档已取消收藏。",
            lost,
        ) % {"name": name, "n": lost}
    else:
        done = _("已删除收藏夹“%(name)s”。") % {"name": name}
    return _after_edit(request, done)


# A folder's page --------------------------------------------------------------------------------


def _show(request: HttpRequest, folder: Folder, *, shared: bool) -> HttpResponse:
    rows = folders.items_for(request.user, folder).only("added_at", "folder_id", *DOCUMENT_FIELDS)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    is_owner = request.user.pk == folder.owner_id
    share_url = request.build_absolute_uri(folder.get_share_url()) if folder.is_public else ""
    return render(
        request,
        "community/folder.html",
        {
            "folder": folder,
            "page": page,
            "is_owner": is_owner,
            "shared": shared,
            "share_url": share_url if is_owner else "",
        },
    )


def detail(request: HttpRequest, folder_id: int) -> HttpResponse:
    try:
        folder = folders.folder_for(request.user, folder_id)
    except ActionRefused:
        raise Http404 from None
    return _show(request, folder, shared=False)


def shared(request: HttpRequest, token: str) -> HttpResponse:
    try:
        folder = folders.folder_for(request.user, token=token)
    except ActionRefused:
        raise Http404 from None
    return _show(request, folder, shared=True)


@login_required
@require_POST
def remove(request: HttpRequest, folder_id: int, number: int) -> HttpResponse:
    """The owner takes a document out of the folder (from the folder's page)."""
    folder = _own(request, folder_id)
    document = Document.objects.filter(number=number).first()
    if document is None:
        raise Http404
    folders.remove(request.user, folder, document)
    if _is_htmx(request):
        return HttpResponse("")
    messages.success(request, _("已从收藏夹移出《%(title)s》。") % {"title": document.title})
    return redirect(folder.get_absolute_url())


# The document page's "收藏到…" panel -------------------------------------------------------------


def _collect_context(request: HttpRequest, document: Document, **extra) -> dict:
    mine = list(folders.folders_of(request.user))
    holding = folders.folder_ids_holding(request.user, document)
    for folder in mine:
        folder.holds = folder.pk in holding
    return {"document": document, "folders": mine, **extra}


@login_required
def collect(request: HttpRequest, number: int) -> HttpResponse:
    """收藏到…: my folders with a checkbox each (ticked: the document is in it) and a field for a
    new one; saving puts the document in exactly the ticked folders."""
    document = document_for(request, number)
    htmx = _is_htmx(request)
    error = done = ""
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("folder") if v.isdigit() and len(v) < 19]
        try:
            held = folders.place(request.user, document, ids, request.POST.get("new", ""))
        except ActionRefused as exc:
            error = exc.message
        else:
            done = _("已保存到收藏夹。") if held else _("已从所有收藏夹移出，不再收藏。")
        if not htmx:
            if error:
                messages.error(request, error)
                return redirect(request.path)
            messages.success(request, done)
            return redirect(document.get_absolute_url())
    else:
        try:
            if not folders.folders_of(request.user).exists():
                folders.default_folder(request.user)
        except ActionRefused as exc:
            error = exc.message
    context = _collect_context(request, document, collect_error=error, collect_done=done)
    if htmx and request.method == "POST":
        # The 收藏 button's count changes with the folders: swapped in beside the panel.
        document.refresh_from_db(fields=["favorite_count"])
        context.update(
            favorite_count=document.favorite_count,
            is_favorite=is_favorite(request.user, document),
            oob=True,
        )
    template = "community/_collect_form.html" if htmx else "community/collect.html"
    return render(request, template, context)
