"""Account rules: registration with its bonus, daily sign-in, and the login throttle."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenku.config import CONFIG
from wenku.moderation.models import SiteSettings

from . import points
from .models import LoginFailure, SignIn, User


class AccountError(Exception):
    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message, self.code = message, code


@transaction.atomic
def register(username: str, email: str, password: str) -> User:
    """Create a user and pay the register bonus; refuses when registration is closed."""
    site = SiteSettings.current()
    if not site.registration_open:
        raise AccountError(_("本站暂停开放注册。"), "registration_closed")
    user = User(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    if site.register_bonus:
        points.post(user, site.register_bonus, points.Reason.REGISTER, key="register")
    return user


def sign_in_today(user: User) -> tuple[bool, int]:
    """The daily sign-in (签到): (True, points earned) the first time today, else (False, 0)."""
    points.check_not_frozen(user)
    today = timezone.localdate()
    bonus = SiteSettings.current().signin_bonus
    try:
        with transaction.atomic():
            SignIn.objects.create(user=user, day=today)
            if bonus:
                points.post(user, bonus, points.Reason.SIGNIN, key=f"signin:{today.isoformat()}")
    except IntegrityError:
        return False, 0
    return True, bonus


def signed_in_today(user: User) -> bool:
    return SignIn.objects.filter(user=user, day=timezone.localdate()).exists()


# Login throttle: failures in a sliding window, per user name and per address.
def login_blocked(username: str, ip: str | None) -> str | None:
    """A message saying why a login must not even be tried now, or None."""
    since = timezone.now() - dt.timedelta(minutes=CONFIG.login_window_minutes)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    by_user = recent.filter(username__iexact=username).count() if username else 0
    by_ip = recent.filter(ip=ip).count() if ip else 0
    if by_user >= CONFIG.login_failures_per_user or by_ip >= CONFIG.login_failures_per_ip:
        return _("登录失败次数过多，请 %(minutes)s 分钟后再试，或通过“忘记密码”重设密码。") % {
            "minutes": CONFIG.login_window_minutes
        }
    return None


def record_login_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip or None)
    # Keep the table small: anything older than the window no longer counts.
    cutoff = timezone.now() - dt.timedelta(minutes=CONFIG.login_window_minutes)
    LoginFailure.objects.filter(Q(created_at__lt=cutoff)).delete()


def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()


def client_ip(request) -> str | None:
    """The client's address; behind a proxy, the last hop the operator trusts."""
    if CONFIG.trusted_proxy_hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= CONFIG.trusted_proxy_hops:
            return forwarded[-CONFIG.trusted_proxy_hops]
    return request.META.get("REMOTE_ADDR") or None
