"""Marks a browser that has just logged in (at any door: the site, the admin, registration) as
one that knows the account, so the account-wide login slow-down spares it later
(`services.login_blocked`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import services


class KnownDeviceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Set by the user_logged_in receiver (accounts.auth) during this request.
        username = getattr(request, "wenku_logged_in_as", None)
        if username:
            services.remember_device(request, response, username)
        return response
