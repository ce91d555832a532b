"""`/me` tabs that list documents: my uploads (and deleting one), favorites, downloads,
reports, and 关注 (the documents of the people I follow)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenku.accounts.avatars import avatar_url
from wenku.accounts.views.me import page_of, render_tab
from wenku.community import follows
from wenku.community.models import Favorite, Report
from wenku.library.models import Document, Download
from wenku.library.removal import delete_document

PEOPLE_PER_PAGE = 50


@login_required
def uploads(request: HttpRequest) -> HttpResponse:
    docs = Document.objects.filter(uploader=request.user).select_related("category")
    return render_tab(request, "uploads", page=page_of(request, docs))


@login_required
def favorites(request: HttpRequest) -> HttpResponse:
    rows = Favorite.objects.filter(user=request.user).select_related("document")
    return render_tab(request, "favorites", page=page_of(request, rows))


@login_required
def downloads(request: HttpRequest) -> HttpResponse:
    rows = Download.objects.filter(user=request.user).select_related("document")
    return render_tab(request, "downloads", page=page_of(request, rows))


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    rows = Report.objects.filter(reporter=request.user).select_related("document")
    return render_tab(request, "reports", page=page_of(request, rows))


@login_required
def following(request: HttpRequest) -> HttpResponse:
    """关注: the newest public documents of the people I follow (`?page=`), and whom I follow
    with a button to unfollow each (`?people=`)."""
    people = Paginator(follows.following_of(request.user), PEOPLE_PER_PAGE)
    people = people.get_page(request.GET.get("people"))
    for row in people:
        row.avatar = avatar_url(row.followed)
    feed = page_of(request, follows.feed(request.user))
    return render_tab(request, "following", feed=feed, people=people)


@login_required
@require_POST
def delete_upload(request: HttpRequest, number: int) -> HttpResponse:
    document = get_object_or_404(Document, number=number, uploader=request.user)
    title = document.title
    lost = delete_document(document, by=request.user)
    if lost:
        message = _("已删除《%(title)s》，扣除 %(n)s 积分。") % {"title": title, "n": lost}
        messages.warning(request, message)
    else:
        messages.success(request, _("已删除《%(title)s》。") % {"title": title})
    return redirect("web:me")
