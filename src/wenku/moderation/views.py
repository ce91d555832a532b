"""The moderators' pages: dashboard, review queue and report queue (staff only)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wenku.accounts.bans import Punishment
from wenku.community.models import Report
from wenku.library.models import Document, Download, Page
from wenku.search.models import top_queries

from . import services


@staff_member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - dt.timedelta(days=14)
    by_status = dict(Document.objects.values_list("status").annotate(n=Count("pk")))
    by_review = dict(Document.objects.values_list("review").annotate(n=Count("pk")))
    uploads = dict(
        Document.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    downloads = dict(
        Download.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    today = timezone.localdate()
    days = [today - dt.timedelta(days=i) for i in range(13, -1, -1)]
    originals = Document.objects.aggregate(total=Sum("size"))["total"] or 0
    images = Page.objects.aggregate(total=Sum("image_bytes"))["total"] or 0
    context = {
        "statuses": [(label, by_status.get(value, 0)) for value, label in Document.Status.choices],
        "reviews": [(label, by_review.get(value, 0)) for value, label in Document.Review.choices],
        "queue": DBTaskResult.objects.filter(status="READY").count(),
        "failed": Document.objects.filter(status=Document.Status.FAILED).count(),
        "recent_failures": Document.objects.filter(status=Document.Status.FAILED)
        .order_by("-updated_at")
        .only("number", "title", "error", "updated_at")[:10],
        "storage": originals + images,
        "per_day": [(d, uploads.get(d, 0), downloads.get(d, 0)) for d in days],
        "open_reports": Report.objects.filter(status=Report.Status.OPEN).count(),
        "top_searches": _top_searches(),
    }
    return render(request, "moderation/dashboard.html", context)


def _top_searches() -> list:
    return top_queries(days=7, limit=20)


@staff_member_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _decide(request)
    pending = (
        Document.objects.filter(review=Document.Review.PENDING)
        .select_related("uploader", "category")
        .prefetch_related("pages")
        .order_by("created_at")
    )
    return render(request, "moderation/review.html", {"documents": pending[:50]})


def _decide(request: HttpRequest) -> HttpResponse:
    # A document's own buttons send "approve:<number>": they decide that one document, with
    # or without JavaScript, whatever else is ticked.
    action, _sep, only = request.POST.get("action", "").partition(":")
    numbers = [only] if only else request.POST.getlist("documents")
    reason = request.POST.get("reason", "")
    documents = list(Document.objects.filter(number__in=numbers))
    if not documents:
        messages.error(request, _("请选择要处理的文档。"))
        return redirect("moderation:review")
    try:
        for document in documents:
            if action == "approve":
                services.approve(document, request.user, reason)
            elif action == "reject":
                services.reject(document, request.user, reason)
            else:
                raise services.ModerationError(_("未知的操作。"))
    except services.ModerationError as exc:
        messages.error(request, exc.message)
    else:
        n = len(documents)
        if action == "approve":
            done = ngettext("已通过 %(n)s 篇文档。", "已通过 %(n)s 篇文档。", n) % {"n": n}
        else:
            done = ngettext("已驳回 %(n)s 篇文档。", "已驳回 %(n)s 篇文档。", n) % {"n": n}
        messages.success(request, done)
    return redirect("moderation:review")


@staff_member_required
def report_queue(request: HttpRequest) -> HttpResponse:
    documents = (
        Document.objects.filter(reports__status=Report.Status.OPEN)
        .annotate(open_reports=Count("reports", filter=Q(reports__status=Report.Status.OPEN)))
        .select_related("uploader")
        .order_by("-open_reports", "pk")
    )[:50]
    reports = Report.objects.filter(
        status=Report.Status.OPEN, document__in=[d.pk for d in documents]
    ).select_related("reporter")
    by_document: dict[int, list[Report]] = {}
    for report in reports:
        by_document.setdefault(report.document_id, []).append(report)
    rows = [(d, by_document.get(d.pk, [])) for d in documents]
    return render(
        request,
        "moderation/reports.html",
        {"rows": rows, "actions": services.REPORT_ACTIONS, "kinds": Punishment.Kind.choices},
    )


@staff_member_required
@require_POST
def resolve(request: HttpRequest, number: int) -> HttpResponse:
    document = get_object_or_404(Document, number=number)
    try:
        days = int(request.POST.get("days") or 0) or None
        count = services.resolve_reports(
            document,
            request.POST.get("action", ""),
            request.user,
            request.POST.get("note", ""),
            punish_kind=request.POST.get("kind", Punishment.Kind.UPLOAD),
            days=days,
        )
    except (services.ModerationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("天数须为整数。")))
    else:
        messages.success(
            request,
            ngettext(
                "已处理《%(title)s》的 %(n)s 条举报。",
                "已处理《%(title)s》的 %(n)s 条举报。",
                count,
            )
            % {"title": document.title, "n": count},
        )
    return redirect("moderation:reports")
