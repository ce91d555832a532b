"""Favorite, share, tip, report, rate and comment on a document: plain forms that htmx
upgrades in place."""

from io import BytesIO

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenku.library.access import document_for

from . import comments, follows, ratings, services
from .models import Comment, Report


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(document) -> HttpResponse:
    return redirect(document.get_absolute_url())


@login_required
@require_POST
def favorite(request: HttpRequest, number: int) -> HttpResponse:
    document = document_for(request, number)
    wanted = request.POST.get("on")
    try:
        if wanted in ("1", "0"):
            on, count = services.set_favorite(request.user, document, wanted == "1")
        else:
            on, count = services.toggle_favorite(request.user, document)
    except services.ActionRefused as exc:
        messages.error(request, exc.message)
        return _back(document)
    if _is_htmx(request):
        return render(
            request,
            "community/_favorite.html",
            {"document": document, "is_favorite": on, "favorite_count": count},
        )
    messages.success(request, _("已收藏。") if on else _("已取消收藏。"))
    return _back(document)


@login_required
def tip(request: HttpRequest, number: int) -> HttpResponse:
    document = document_for(request, number)
    context = {"document": document, "key": services.new_key()}
    if request.method == "POST":
        try:
            amount = int(request.POST.get("amount", ""))
        except ValueError:
            amount = 0
        try:
            made, created = services.tip(
                request.user, document, amount, request.POST.get("key", "")
            )
        except services.ActionRefused as exc:
            context["error"] = exc.message
            if not _is_htmx(request):
                messages.error(request, exc.message)
                return redirect(request.path)
        else:
            note = (
                _("已打赏 %(n)s 积分，感谢您的支持！") % {"n": made.amount}
                if created
                else _("这次打赏（%(n)s 积分）已经完成，没有重复扣分。") % {"n": made.amount}
            )
            if _is_htmx(request):
                return render(request, "community/_done.html", {"text": note})
            messages.success(request, note)
            return _back(document)
    if request.method != "POST":
        # Say it before the reader picks an amount.
        context["error"] = services.tip_refusal(request.user)
    template = "community/_tip_form.html" if _is_htmx(request) else "community/tip.html"
    return render(request, template, context)


@login_required
def report(request: HttpRequest, number: int) -> HttpResponse:
    document = document_for(request, number)
    context = {"document": document, "reasons": Report.Reason.choices, "values": request.POST}
    if request.method == "POST":
        try:
            services.report(
                request.user,
                document,
                request.POST.get("reason", ""),
                request.POST.get("details", ""),
            )
        except services.ActionRefused as exc:
            context["error"] = exc.message
        else:
            note = _("举报已提交，我们会尽快处理，结果可在“我的举报”中查看。")
            if _is_htmx(request):
                return render(request, "community/_done.html", {"text": note})
            messages.success(request, note)
            return _back(document)
    template = "community/_report_form.html" if _is_htmx(request) else "community/report.html"
    return render(request, template, context)


def share(request: HttpRequest, number: int) -> HttpResponse:
    document = document_for(request, number)
    url = request.build_absolute_uri(document.get_absolute_url())
    template = "community/_share.html" if _is_htmx(request) else "community/share.html"
    return render(request, template, {"document": document, "url": url})


def qr_code(request: HttpRequest, number: int) -> HttpResponse:
    """The document's link as a QR code (SVG), drawn here rather than by a third party."""
    document = document_for(request, number)
    url = request.build_absolute_uri(document.get_absolute_url())
    out = BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def rating_context(request: HttpRequest, document) -> dict:
    """What `community/_rating.html` shows (also on the document page)."""
    may_rate = ratings.may_rate(request.user, document)
    return {
        "document": document,
        "may_rate": may_rate,
        "my_rating": ratings.my_rating(request.user, document) if may_rate else None,
    }


def comments_context(request: HttpRequest, document) -> dict:
    """What `community/_comments.html` shows (also on the document page)."""
    thread = comments.thread(document, request.user)
    return {
        "document": document,
        "comments": thread,
        "comment_count": comments.visible_in(thread),
        "comment_report_reasons": Report.Reason.choices,
    }


@login_required
@require_POST
def rate(request: HttpRequest, number: int) -> HttpResponse:
    document = document_for(request, number)
    error = ""
    try:
        stars = int(request.POST.get("stars", ""))
    except ValueError:
        stars = 0
    try:
        document = ratings.rate(request.user, document, stars)
    except services.ActionRefused as exc:
        error = exc.message
    if _is_htmx(request):
        context = {**rating_context(request, document), "rating_error": error}
        return render(request, "community/_rating.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("评分已保存。"))
    return redirect(document.get_absolute_url() + "#rating")


def _after_comment(request: HttpRequest, document, error: str, done: str) -> HttpResponse:
    if _is_htmx(request):
        context = {**comments_context(request, document), "comment_error": error}
        return render(request, "community/_comments.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(document.get_absolute_url() + "#comments")


@login_required
@require_POST
def comment(request: HttpRequest, number: int) -> HttpResponse:
    document = document_for(request, number)
    try:
        reply_to = int(request.POST["reply_to"]) if request.POST.get("reply_to") else None
    except ValueError:
        reply_to = -1
    error, done = "", ""
    try:
        made = comments.post(request.user, document, request.POST.get("text", ""),
                             reply_to=reply_to)  # fmt: skip
    except services.ActionRefused as exc:
        error = exc.message
    else:
        done = made.note or _("评论已发表。")
    return _after_comment(request, document, error, done)


@login_required
@require_POST
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    made = get_object_or_404(Comment.objects.select_related("document"), pk=comment_id)
    document = document_for(request, made.document.number)
    error = ""
    try:
        comments.delete(request.user, made)
    except services.ActionRefused as exc:
        error = exc.message
    return _after_comment(request, document, error, _("评论已删除。"))


def _follow_next(request: HttpRequest, target) -> str:
    """Back to the page the form was on (only a page of this site), else the home page."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else reverse("web:user", args=[target.pk])


@login_required
@require_POST
def follow(request: HttpRequest, user_id: int) -> HttpResponse:
    """Follow or unfollow a user: `on=1`/`on=0`, or a toggle without it."""
    try:
        target = follows.person(user_id)
    except services.ActionRefused:
        raise Http404 from None
    wanted = request.POST.get("on")
    on = wanted == "1" if wanted in ("1", "0") else not follows.is_following(request.user, target)
    error = ""
    try:
        on, count = follows.set_following(request.user, target, on)
    except services.ActionRefused as exc:
        error = exc.message
        on, count = follows.is_following(request.user, target), follows.follower_count(target)
    if _is_htmx(request):
        context = {
            "person": target,
            "is_following": on,
            "follower_count": count,
            "follow_error": error,
            "next": request.POST.get("next", ""),
            "oob": True,  # the count on the home page changes with the button
        }
        return render(request, "community/_follow.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已关注。") if on else _("已取消关注。"))
    return redirect(_follow_next(request, target))


@login_required
@require_POST
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    made = get_object_or_404(Comment.objects.select_related("document"), pk=comment_id)
    document = document_for(request, made.document.number)
    error = ""
    try:
        comments.report(request.user, made, request.POST.get("reason", ""))
    except services.ActionRefused as exc:
        error = exc.message
    return _after_comment(request, document, error, _("举报已提交，谢谢。"))
