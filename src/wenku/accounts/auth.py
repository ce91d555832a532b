"""Authentication with the login throttle and bans, for every door (site, admin, API token)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import services
from .bans import login_banned


class ThrottledBackend(ModelBackend):
    """ModelBackend that refuses to even check a password while its user name and address are
    throttled (see `services.login_blocked`), and refuses users under a login ban."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        ip = services.client_ip(request) if request is not None else None
        known = services.known_device(request, username or "")
        if username and services.login_blocked(username, ip, known_device=known):
            if request is not None:
                # No password was checked: the refusal is not one more failure.
                request.wenku_login_throttled = True
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and login_banned(user):
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        # A session opened before a login ban ends with the ban.
        if user is not None and login_banned(user):
            return None
        return user


def count_failure(sender, credentials, request=None, **kwargs):
    if getattr(request, "wenku_login_throttled", False):
        return
    ip = services.client_ip(request) if request is not None else None
    services.record_login_failure(credentials.get("username", ""), ip)


def forget_failures(sender, request, user, **kwargs):
    ip = services.client_ip(request) if request is not None else None
    services.clear_login_failures(user.get_username(), ip)
    if request is not None:
        # KnownDeviceMiddleware marks this browser on the way out.
        request.wenku_logged_in_as = user.get_username()
