"""Site-wide answers to two failures that must not become a bare 500.

- **A busy database.** SQLite answers "database is locked" when a writer held it past the 30 s
  timeout: the request gets 503 with Retry-After (JSON on the API), so clients and proxies try
  again instead of showing an error page; the worker loop survives it on its own.
- **A body larger than the upload limit.** A request whose Content-Length is over the limit is
  answered 413 before its body is read; one without a truthful Content-Length is cut off by
  `LimitedUploadHandler` as soon as it passes the limit, and answered 413 the same way.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from wenku.conversion.ingest import upload_limit_mb

log = logging.getLogger("wenku.request")
RETRY_AFTER_SECONDS = 5
# Form fields and multipart boundaries around the file: a few KB; allow 1 MB of them.
ENVELOPE_BYTES = 1024 * 1024


class UploadTooLarge(RequestDataTooBig):
    pass


def _limit_bytes() -> int:
    return upload_limit_mb() * 1024 * 1024 + ENVELOPE_BYTES


def _answer(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "detail": message}, status=status)
    return HttpResponse(
        f"<!DOCTYPE html><meta charset='utf-8'><title>{status}</title><p>{message}</p>",
        status=status,
        content_type="text/html; charset=utf-8",
    )


def is_database_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        if request.method in ("POST", "PUT") and length.isdigit() and int(length) > _limit_bytes():
            return self._too_large(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UploadTooLarge):
            return self._too_large(request)
        if is_database_busy(exception):
            log.warning("database busy on %s %s: %s", request.method, request.path, exception)
            response = _answer(
                request, 503, "busy", _("网站繁忙，请稍后重试（数据库暂时被占用）。")
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return None

    def _too_large(self, request: HttpRequest) -> HttpResponse:
        # The body is not read: close the connection rather than keep it for the next request.
        response = _answer(
            request,
            413,
            "too_large",
            _("文件过大，上限为 %(mb)s MB。") % {"mb": upload_limit_mb()},
        )
        response["Connection"] = "close"
        return response


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit (chunked bodies, lying lengths)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        self.limit = _limit_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge("upload over the limit")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
