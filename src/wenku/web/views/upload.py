"""The upload page: several files at once, each answered on its own (stored, duplicate, refused)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from wenku.accounts.services import client_ip
from wenku.conversion.detect import ACCEPTED_EXTENSIONS, TEXT_AS_DOCUMENT, TEXT_EXTENSIONS
from wenku.conversion.ingest import Duplicate, IngestError, Metadata, ingest, upload_limit_mb
from wenku.library.forms import UploadForm


def _outcome(upload, request: HttpRequest, form: UploadForm, single: bool) -> dict:
    data = form.cleaned_data
    meta = Metadata(
        title=data["title"] if single else "",
        description=data["description"],
        tags=data["tags"],
        category=data["category"],
        price=data["price"] or 0,
    )
    try:
        document = ingest(upload, upload.name, request.user, meta, ip=client_ip(request))
    except Duplicate as exc:
        doc = exc.existing  # None when the caller may not see it
        return {
            "file": upload.name,
            "ok": False,
            "code": exc.code,
            "error": exc.message,
            "id": doc.number if doc else None,
            "url": doc.get_absolute_url() if doc else "",
        }
    except IngestError as exc:
        return {"file": upload.name, "ok": False, "code": exc.code, "error": exc.message}
    return {
        "file": upload.name,
        "ok": True,
        "id": document.number,
        "title": document.title,
        "url": document.get_absolute_url(),
        "status_url": f"{document.get_absolute_url()}status/",
        "status": document.status,
    }


# The file picker offers what ingest accepts (the bytes decide; this only filters the dialog).
ACCEPT = ",".join(
    f".{ext}" for ext in sorted(ACCEPTED_EXTENSIONS | set(TEXT_EXTENSIONS) | TEXT_AS_DOCUMENT)
)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    wants_json = "application/json" in request.headers.get("Accept", "")
    results: list[dict] = []
    form = UploadForm(request.POST or None)
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            form.add_error("files", _("请选择至少一个文件。"))
        if form.is_valid():
            results = [_outcome(f, request, form, len(files) == 1) for f in files]
        if wants_json:
            if not form.is_valid():
                return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
            status = 200 if any(r["ok"] for r in results) else 400
            return JsonResponse({"results": results}, status=status)
    return render(
        request,
        "library/upload.html",
        {"form": form, "results": results, "max_upload_mb": upload_limit_mb(), "accept": ACCEPT},
    )
