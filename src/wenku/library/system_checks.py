"""Django system checks of Wenku's settings: a bad value stops `wenku serve` and `wenku worker`
at start with a clear message instead of failing the first upload."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string


@checks.register()
def node_name_usable(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if ":" in settings.WENKU.node_name:
        return [checks.Error("WENKU_NODE_NAME must not contain ':'", id="wenku.E003")]
    return []


@checks.register()
def publish_checks_importable(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for path in settings.WENKU_PUBLISH_CHECKS:
        try:
            check = import_string(path)
        except ImportError as exc:
            errors.append(
                checks.Error(
                    f"WENKU_PUBLISH_CHECKS: cannot import {path!r} ({exc})", id="wenku.E001"
                )
            )
            continue
        if not callable(check):
            errors.append(
                checks.Error(f"WENKU_PUBLISH_CHECKS: {path!r} is not callable", id="wenku.E002")
            )
    return errors
