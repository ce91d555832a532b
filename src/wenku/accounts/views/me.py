"""`/me`: my uploads, favorites, downloads, points history, reports, API tokens, and the daily
sign-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenku.community.models import Favorite, Report
from wenku.library.models import Document, Download
from wenku.library.removal import delete_document

from .. import points, services, tokens

PER_PAGE = 20


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _render(request: HttpRequest, tab: str, **context) -> HttpResponse:
    context.update(
        tab=tab,
        balance=points.balance_of(request.user),
        signed_in=services.signed_in_today(request.user),
    )
    return render(request, f"accounts/me_{tab}.html", context)


@login_required
def uploads(request: HttpRequest) -> HttpResponse:
    docs = Document.objects.filter(uploader=request.user).select_related("category")
    return _render(request, "uploads", page=_page(request, docs))


@login_required
def favorites(request: HttpRequest) -> HttpResponse:
    rows = Favorite.objects.filter(user=request.user).select_related("document")
    return _render(request, "favorites", page=_page(request, rows))


@login_required
def downloads(request: HttpRequest) -> HttpResponse:
    rows = Download.objects.filter(user=request.user).select_related("document")
    return _render(request, "downloads", page=_page(request, rows))


@login_required
def points_history(request: HttpRequest) -> HttpResponse:
    rows = request.user.points_entries.select_related("document")
    return _render(request, "points", page=_page(request, rows))


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    rows = Report.objects.filter(reporter=request.user).select_related("document")
    return _render(request, "reports", page=_page(request, rows))


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    return _render(request, "tokens", page=_page(request, tokens.tokens_of(request.user)))


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    # Only the user's own tokens: another user's id is a 404, like one that does not exist.
    if not tokens.revoke(request.user, token_id):
        raise Http404
    messages.success(request, _("令牌已撤销，使用它的程序将无法再访问 API。"))
    return redirect("accounts:tokens")


@login_required
@require_POST
def revoke_all_tokens(request: HttpRequest) -> HttpResponse:
    n = tokens.revoke_all(request.user)
    messages.success(request, _("已撤销全部 %(n)s 个令牌。") % {"n": n})
    return redirect("accounts:tokens")


@login_required
@require_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    try:
        first, earned = services.sign_in_today(request.user)
    except points.PointsFrozen as exc:
        messages.error(request, exc.message)
    else:
        if first:
            messages.success(request, _("签到成功，获得 %(n)s 积分。") % {"n": earned})
        else:
            messages.info(request, _("今天已经签到过了，明天再来。"))
    # Only back to a page of this site: never another site, never a javascript: URL.
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else "accounts:me")


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
    return redirect("accounts:me")
