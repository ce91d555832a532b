"""The pages of copyright complaints: the complaint form of a document, a complaint's state for
its parties, the uploader's counter-notice, the proof files, and the moderators' queue. Plain
multipart forms: they work without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenku.library.access import document_for

from . import complaints, proofs
from .models import Complaint
from .services import ModerationError


@login_required
def file_complaint(request: HttpRequest, number: int) -> HttpResponse:
    document = document_for(request, number)
    values = request.POST or {"urls": request.build_absolute_uri(document.get_absolute_url())}
    context = {"document": document, "values": values, "statement": complaints.STATEMENT}
    status = 200
    if request.method == "POST":
        try:
            made = complaints.file(request.user, document, request.POST, request.FILES)
        except ModerationError as exc:
            context["error"], status = exc.message, exc.status
        else:
            messages.success(request, _("投诉已提交，我们会尽快处理，处理结果会通过站内信通知您。"))
            return redirect("complaints:detail", made.pk)
    return render(request, "moderation/complaint_form.html", context, status=status)


def _visible_or_404(request: HttpRequest, complaint_id: int) -> Complaint:
    complaint = complaints.complaint_for(request.user, complaint_id)
    if complaint is None:
        raise Http404
    return complaint


@login_required
def detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _visible_or_404(request, complaint_id)
    return render(request, "moderation/complaint.html", _detail_context(request, complaint))


def _detail_context(request: HttpRequest, complaint: Complaint, **extra) -> dict:
    role = complaints.role_of(complaint, request.user)
    return {
        "complaint": complaint,
        "role": role,
        "files": complaints.files_for(complaint, request.user),
        "may_counter": complaints.counter_refusal(complaint, request.user) is None,
        **extra,
    }


@login_required
def counter(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _visible_or_404(request, complaint_id)
    context = _detail_context(request, complaint, values=request.POST)
    refusal = complaints.counter_refusal(complaint, request.user)
    status = refusal.status if refusal else 200
    context["error"] = refusal.message if refusal else ""
    if request.method == "POST" and refusal is None:
        try:
            complaints.counter(
                complaint,
                request.user,
                request.POST.get("counter_statement", ""),
                request.FILES.get("counter_proof"),
            )
        except ModerationError as exc:
            context["error"], status = exc.message, exc.status
        else:
            messages.success(request, _("反通知已提交，管理员处理后会通过站内信通知您。"))
            return redirect("complaints:detail", complaint.pk)
    return render(request, "moderation/complaint_counter.html", context, status=status)


@login_required
def proof_file(request: HttpRequest, complaint_id: int, which: str) -> HttpResponse:
    """A proof file, to staff and the complainant (the counter proof also to the uploader):
    an attachment, never cached, never sniffed; 404 to anyone else, as if it did not exist."""
    complaint = _visible_or_404(request, complaint_id)
    if which not in complaints.files_for(complaint, request.user):
        raise Http404
    name = getattr(complaint, proofs.FIELDS[which]).name
    try:
        handle = default_storage.open(name)
    except FileNotFoundError:
        raise Http404 from None
    extension = name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"complaint-{complaint.pk}-{which}.{extension}",
        content_type=proofs.content_type(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    rows = list(complaints.mine(request.user)[:200])
    for row in rows:
        row.role = complaints.role_of(row, request.user)
    return render(request, "moderation/my_complaints.html", {"complaints": rows})


# The moderators' queue.
@staff_member_required
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Complaint.Status.OPEN)
    if status not in Complaint.Status.values:
        status = Complaint.Status.OPEN
    counts = dict(Complaint.objects.values_list("status").annotate(n=Count("pk")))
    rows = (
        Complaint.objects.filter(status=status)
        .select_related("document", "complainant", "uploader", "handled_by")
        .order_by("created_at", "pk")[:50]
    )
    for row in rows:
        row.actions = [
            (action, complaints.DECISIONS[action][1])
            for action in complaints.NEXT.get(row.status, ())
        ]
        row.files = complaints.files_for(row, request.user)
    context = {
        "tab": status,
        "tabs": [(v, label, counts.get(v, 0)) for v, label in Complaint.Status.choices],
        "complaints": rows,
    }
    return render(request, "moderation/complaints.html", context)


@staff_member_required
@require_POST
def decide(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=complaint_id)
    back = f"{reverse('moderation:complaints')}?status={complaint.status}"
    action = request.POST.get("action", "")
    try:
        complaints.decide(complaint, action, request.user, request.POST.get("note", ""))
    except ModerationError as exc:
        messages.error(request, exc.message)
    else:
        label = complaints.DECISIONS[action][1]
        messages.success(
            request, _("投诉 #%(id)s：%(action)s。") % {"id": complaint.pk, "action": label}
        )
    return redirect(back)
