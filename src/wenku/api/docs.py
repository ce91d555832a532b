"""/api/docs: Swagger UI from this site's own static files.

Ninja serves its bundled Swagger UI only when "ninja" is an installed app, and otherwise loads it
from a CDN (which the Content-Security-Policy forbids, and a closed network cannot reach). The
app costs every `wenku` command 0.3 s of start-up (it imports Ninja and Pydantic), so instead its
template and static folders are named in the settings and this page renders them itself.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            # Session authentication checks CSRF: the page sends the token with its requests.
            "add_csrf": any(getattr(auth, "csrf", False) for auth in api.auth or ()),
        }
        return render(request, "ninja/swagger.html", context)
