"""Authentication with the login throttle and bans, for every door (site, admin, API token)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from wenku.moderation.models import login_banned

from . import services


class ThrottledBackend(ModelBackend):
    """ModelBackend that refuses to even check a password while its user name or address is
    throttled, and refuses users under a login ban."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        ip = services.client_ip(request) if request is not None else None
        if username and services.login_blocked(username, ip):
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


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    ip = services.client_ip(request) if request is not None else None
    services.record_login_failure(credentials.get("username", ""), ip)


@receiver(user_logged_in)
def _forget_failures(sender, request, user, **kwargs):
    services.clear_login_failures(user.get_username())
