"""Every error the API answers has one shape, and the OpenAPI document says so.

Invariant: any 4xx body is an `ErrorOut` — `{"code": ..., "detail": ...}` — whether a service
refused (any `wenku.errors.Refusal`, answered with its own code and status by one handler; views
let them through), Ninja refused the request (401 no or bad credentials, 403 CSRF, 404, 422 invalid
parameters), and every operation declares the statuses it can answer with. schemathesis checks
both against the live schema (tests/api/test_openapi_fuzz.py).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from wenku.errors import Refusal


class ErrorOut(Schema):
    code: str
    detail: str
    # A duplicate upload: the existing document, when the caller may see it.
    existing_id: int | None = None
    # Invalid parameters (422): where and what, as Pydantic reports them.
    errors: list[dict[str, Any]] | None = None


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}
UNSAFE = {"post", "put", "patch", "delete"}


class WenkuAPI(NinjaAPI):
    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        self.add_exception_handler(AuthenticationError, self._unauthorized)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(ValidationError, self._invalid)
        self.add_exception_handler(Refusal, self._refused)

    def _refused(self, request: HttpRequest, exc: Refusal) -> HttpResponse:
        """Every service's refusal, with its own code and status."""
        body = {"code": exc.code, "detail": exc.message}
        if hasattr(exc, "existing"):  # a duplicate upload: named only if the caller may see it
            body["existing_id"] = exc.existing.number if exc.existing is not None else None
        return self.create_response(request, body, status=exc.status)

    def _error(self, request: HttpRequest, status: int, detail: str, **extra) -> HttpResponse:
        body = {"code": HTTP_CODES.get(status, f"http_{status}"), "detail": detail, **extra}
        return self.create_response(request, body, status=status)

    def _unauthorized(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return self._error(request, 401, _("需要登录，或提供有效的 Bearer 令牌。"))

    def _http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 403 and "CSRF" in detail:
            detail = _("CSRF 校验失败：浏览器会话的写操作需要 X-CSRFToken 头。")
        elif exc.status_code == 400 and "parse" in detail:
            detail = _("请求体无法解析，请检查格式（JSON 或表单）。")
        return self._error(request, exc.status_code, detail)

    def _not_found(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return self._error(request, 404, _("未找到。"))

    def _invalid(self, request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        where = "、".join(".".join(e["loc"]) for e in errors[:5])
        return self._error(
            request, 422, _("请求参数无效：%(where)s。") % {"where": where}, errors=errors
        )

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):  # noqa: ANN001, ANN201
        """Ninja's document, with the errors every operation can answer declared on it."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                # Ninja keys responses by int, JSON by string: one key per status, as strings,
                # or the document carries "400" twice (Swagger UI refuses to parse it).
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                implied = {"422": "请求参数无效"}
                if "requestBody" in operation:
                    implied["400"] = "请求体无法解析"
                if operation.get("security"):
                    implied["401"] = "需要登录或有效的令牌"
                    if method in UNSAFE:
                        implied["403"] = "CSRF 校验失败（浏览器会话）"
                if "{" in path:
                    implied["404"] = "未找到"
                for status, description in implied.items():
                    responses.setdefault(status, {"description": description, "content": error})
        return schema
