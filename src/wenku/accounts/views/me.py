"""`/me` pages of the account itself: points history, API tokens, the daily sign-in; and the
frame every `/me` tab is drawn in (`render_tab`, `page_of`). The document lists of `/me`
(uploads, favorites, downloads, reports) are `wenku.web.views.me`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import points, services, tokens

PER_PAGE = 20


def page_of(request: HttpRequest, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def render_tab(
    request: HttpRequest, tab: str, *, template: str | None = None, **context
) -> HttpResponse:
    """A `/me` tab in its frame (`accounts/me_base.html`); its template is `accounts/me_<tab>.html`
    unless the app that owns the tab names its own."""
    context.update(
        tab=tab,
        balance=points.balance_of(request.user),
        signed_in=services.signed_in_today(request.user),
    )
    return render(request, template or f"accounts/me_{tab}.html", context)


@login_required
def points_history(request: HttpRequest) -> HttpResponse:
    rows = request.user.points_entries.select_related("document")
    return render_tab(request, "points", page=page_of(request, rows))


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    return render_tab(request, "tokens", page=page_of(request, tokens.tokens_of(request.user)))


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
    return redirect(target if target and safe else "web:me")
