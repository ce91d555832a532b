"""Site-wide answers to three failures that must not become a bare 500.

- **A busy database.** SQLite answers "database is locked" when a writer held it past the 30 s
  timeout: the request gets 503 with Retry-After (JSON on the API), so clients and proxies try
  again instead of showing an error page; the worker loop survives it on its own.
- **A body larger than the upload limit.** A request whose Content-Length is over the limit is
  answered 413 before its body is read; one without a truthful Content-Length is cut off by
  `LimitedUploadHandler` as soon as it passes the limit, and answered 413 the same way.
- **A NUL character** (U+0000) in a query parameter, a form field or a JSON body: PostgreSQL
  cannot store or even compare one in a text column, so any of them reaching a query was a 500
  (found by the API fuzzer). Every such request is answered 400 before a view sees it.
"""

from __future__ import annotations

import json
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


JSON_BODY_LIMIT = 1024 * 1024


def _holds_nul(value, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 20:
        return False
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v, depth + 1) for v in value)
    return False


def has_nul(request: HttpRequest) -> bool:
    """Whether a NUL reaches a page through the path, the query string, a form's fields or a
    JSON body. (Reading a form here costs nothing: the CSRF check before this has parsed it
    already.) Not for the API: its schemas refuse a NUL in every field they read
    (`wenku.api.types.Text`, answered 422 like any invalid field, as its OpenAPI document
    says), and ignore the fields they do not."""
    if request.path.startswith("/api/"):
        return False
    if "\x00" in request.path or _holds_nul(dict(request.GET.lists())):
        return True
    kind = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return _holds_nul(dict(request.POST.lists()))
        length = request.META.get("CONTENT_LENGTH") or ""
        if kind == "application/json" and length.isdigit() and int(length) <= JSON_BODY_LIMIT:
            try:
                return _holds_nul(json.loads(request.body))
            except ValueError:
                return False  # not JSON: the view says so
    return False


def is_database_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        if request.method in ("POST", "PUT") and length.isdigit() and int(length) > _limit_bytes():
            return self._too_large(request)
        try:
            nul = has_nul(request)
        except UploadTooLarge:  # reading the form ran into the upload limit
            return self._too_large(request)
        if nul:
            return _answer(
                request, 400, "nul_character", _("请求中含有空字符（U+0000），无法处理。")
            )
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
