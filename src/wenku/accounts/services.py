"""Account rules: registration with its bonus and throttle, e-mail verification, daily sign-in,
the login throttle, and the password-reset mail throttle.

Invariants:
- One address (an IPv4 address, or an IPv6 /64 network: what one subscriber gets) registers at
  most `SiteSettings.registrations_per_ip_hour` accounts in any hour, however many requests race:
  a registration first commits its RateEvent row, then counts the rows of the hour, and gives
  its row back when it is over the limit, so the k-th row to commit always sees at least k rows.
- The register bonus is one ledger entry with the key "register": paid at registration, or at
  e-mail verification when the site holds it back until then; a second click on the link pays
  nothing.
- Failed logins lock a (user name, address) pair, never an account for everyone: failures from
  address A never refuse address B, nor a browser that has logged in to the account before. What
  does slow down every other client is the account's failures from all addresses (a growing
  delay), and each address has its own cap across all user names.
- A password-reset request says the same whether or not the account exists: the per-address
  limit refuses everybody alike, the per-account limit silently sends no more mail.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import math

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from wenku.errors import Refusal
from wenku.site.models import SiteSettings

from . import points
from .models import LoginFailure, RateEvent, SignIn, User

log = logging.getLogger("wenku.accounts")

HOUR = dt.timedelta(hours=1)


class AccountError(Refusal):
    STATUSES = {"throttled": 429, "registration_closed": 403}

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message, code, self.STATUSES.get(code, 400))


def register(
    username: str, email: str, password: str, *, request: HttpRequest | None = None
) -> User:
    """Create a user, pay the register bonus (unless the site holds it back until the e-mail is
    verified) and, given the request, mail the verification link.

    Refuses when registration is closed, and when the request's address has registered
    `registrations_per_ip_hour` accounts in the last hour (code "throttled")."""
    site = SiteSettings.current()
    if not site.registration_open:
        raise AccountError(_("本站暂停开放注册。"), "registration_closed")
    user = User(username=username, email=email)
    validate_password(password, user)
    slot = _registration_slot(request, site)
    try:
        with transaction.atomic():
            user.set_password(password)
            user.save()
            if site.register_bonus and not site.register_bonus_after_verification:
                points.post(user, site.register_bonus, points.Reason.REGISTER, key="register")
    except BaseException:
        if slot is not None:
            slot.delete()  # the registration did not happen: it does not count
        raise
    if request is not None:
        send_verification(user, request)
    return user


def _registration_slot(request: HttpRequest | None, site: SiteSettings) -> RateEvent | None:
    limit = site.registrations_per_ip_hour
    address = address_key(client_ip(request)) if request is not None else None
    if not limit or not address:
        return None
    event, wait = take("register", f"ip:{address}", limit, HOUR)
    if event is None:
        raise AccountError(
            _("同一网络每小时最多注册 %(n)s 个账号，请 %(minutes)s 分钟后再试。")
            % {"n": limit, "minutes": _minutes(wait)},
            "throttled",
        )
    return event


# E-mail verification: a signed, timestamped link; no table of pending verifications.
_VERIFY_SALT = "wenku.accounts.verify-email"
VERIFY_MAX_AGE = dt.timedelta(days=7)
VERIFY_MAILS_PER_HOUR = 3


def _email_digest(email: str) -> str:
    # The link names the address by a digest: a link in a log or a Referer shows no e-mail.
    return salted_hmac(_VERIFY_SALT, email.lower(), algorithm="sha256").hexdigest()[:20]


def verification_token(user: User) -> str:
    """A token for the user's current e-mail: changing the e-mail makes older links useless."""
    return signing.dumps({"u": user.pk, "e": _email_digest(user.email)}, salt=_VERIFY_SALT)


def send_verification(user: User, request: HttpRequest) -> bool:
    """Mail the verification link; False when there is no address to verify, it is verified,
    the account had VERIFY_MAILS_PER_HOUR mails in the last hour, or the mail failed."""
    if not user.email or user.email_verified:
        return False
    if take("verify-mail", f"user:{user.pk}", VERIFY_MAILS_PER_HOUR, HOUR)[0] is None:
        return False
    site = SiteSettings.current()
    path = reverse("accounts:verify_email", args=[verification_token(user)])
    context = {
        "user": user,
        "site_name": site.site_name,
        "link": request.build_absolute_uri(path),
        "bonus": site.register_bonus if site.register_bonus_after_verification else 0,
        "days": VERIFY_MAX_AGE.days,
    }
    subject = render_to_string("accounts/verify_email_subject.txt", context)
    body = render_to_string("accounts/verify_email.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except Exception:
        # The account stands; its owner can ask for the mail again from /me.
        log.exception("verification mail to user %s failed", user.pk)
        return False
    return True


def verify_email(token: str) -> tuple[User, int]:
    """Mark the e-mail of the token's user verified; returns (user, bonus points paid now).

    The held-back register bonus is paid here, once: its ledger key is "register", so a second
    click (or a bonus paid at registration) makes no new entry."""
    bad = AccountError(_("验证链接无效或已过期，请登录后重新发送验证邮件。"), "bad_link")
    try:
        data = signing.loads(token, salt=_VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        raise bad from None
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None or not user.email or _email_digest(user.email) != data.get("e"):
        raise bad
    User.objects.filter(pk=user.pk).update(email_verified=True)
    user.email_verified = True
    site = SiteSettings.current()
    if not (site.register_bonus_after_verification and site.register_bonus):
        return user, 0
    try:
        points.check_not_frozen(user)
    except points.PointsFrozen:
        return user, 0
    posted = points.post(user, site.register_bonus, points.Reason.REGISTER, key="register")
    return user, posted.entry.delta if posted.created else 0


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


# Rate limits counted in the database (RateEvent), so all processes and machines share them.
def take(
    action: str, key: str, limit: int, window: dt.timedelta
) -> tuple[RateEvent | None, dt.timedelta]:
    """Count one use of `action` by `key`, at most `limit` per `window`.

    Returns (the event, 0) when allowed, else (None, time until a use frees up). The row is
    committed before the count (callers run outside a transaction) and given back when over
    the limit, so racing requests can be refused too eagerly, never let through beyond it.
    Delete the returned event to give the use back (the action did not happen)."""
    now = timezone.now()
    event = RateEvent.objects.create(action=action, key=key)
    rows = RateEvent.objects.filter(action=action, key=key, created_at__gt=now - window)
    if rows.count() <= limit:
        # Keep the table small: rows older than a day no longer count for anything.
        RateEvent.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
        return event, dt.timedelta(0)
    event.delete()
    oldest = rows.aggregate(oldest=Min("created_at"))["oldest"] or now
    return None, max(oldest + window - now, dt.timedelta(seconds=1))


def _minutes(wait: dt.timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))


def client_ip(request) -> str | None:
    """The client's address; behind a proxy, the last hop the operator trusts."""
    if settings.WENKU.trusted_proxy_hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= settings.WENKU.trusted_proxy_hops:
            return forwarded[-settings.WENKU.trusted_proxy_hops]
    return request.META.get("REMOTE_ADDR") or None


def address_key(ip: str | None) -> str | None:
    """The address as the throttles count it: IPv4 as is, IPv6 as its /64 network (a subscriber
    gets a whole /64, so single IPv6 addresses would be free for the taking)."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


# Login throttle: failures in a sliding window (LoginFailure rows).
def _too_many_failures() -> str:
    return _("登录失败次数过多，请 %(minutes)s 分钟后再试，或通过“忘记密码”重设密码。") % {
        "minutes": settings.WENKU.login_window_minutes
    }


def login_blocked(username: str, ip: str | None, *, known_device: bool = False) -> str | None:
    """A message saying why a login must not even be tried now, or None.

    - the address made `login_failures_per_ip` failures in the window, whatever the user names;
    - this user name failed `login_failures_per_user` times from this address (the lock is per
      pair: the owner logging in from elsewhere is not refused);
    - the user name failed `login_failures_per_account` times or more from all addresses
      together: a client that has not logged in to the account before (`known_device`) waits
      1 s, 2 s, 4 s ... (at most `login_max_delay_seconds`) after the account's latest failure.
    """
    now = timezone.now()
    recent = LoginFailure.objects.filter(
        created_at__gte=now - dt.timedelta(minutes=settings.WENKU.login_window_minutes)
    )
    address = address_key(ip)
    if address and recent.filter(ip=address).count() >= settings.WENKU.login_failures_per_ip:
        return _too_many_failures()
    if not username:
        return None
    account = recent.filter(username__iexact=username)
    if account.filter(ip=address).count() >= settings.WENKU.login_failures_per_user:
        return _too_many_failures()
    limit = settings.WENKU.login_failures_per_account
    if limit and not known_device:
        seen = account.aggregate(n=Count("id"), last=Max("created_at"))
        if seen["n"] >= limit:
            delay = min(2 ** min(seen["n"] - limit, 16), settings.WENKU.login_max_delay_seconds)
            wait = seen["last"] + dt.timedelta(seconds=delay) - now
            if wait.total_seconds() > 0:
                return _("该账号近期登录失败次数过多，请 %(seconds)s 秒后再试。") % {
                    "seconds": math.ceil(wait.total_seconds())
                }
    return None


def record_login_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip=address_key(ip))
    # Keep the table small: anything older than the window no longer counts.
    cutoff = timezone.now() - dt.timedelta(minutes=settings.WENKU.login_window_minutes)
    LoginFailure.objects.filter(created_at__lt=cutoff).delete()


def clear_login_failures(username: str, ip: str | None) -> None:
    """After a successful login: this address's failures for the account no longer count.
    Other addresses' failures stand (a correct password here says nothing about them)."""
    LoginFailure.objects.filter(username__iexact=username, ip=address_key(ip)).delete()


# A browser that has logged in to an account carries a signed cookie naming it, and is spared
# the account-wide slow-down, so guessing from elsewhere cannot lock the owner out.
KNOWN_COOKIE = "wenku_known"
_KNOWN_SALT = "wenku.accounts.known-device"
_KNOWN_MAX_AGE = dt.timedelta(days=365)
_KNOWN_NAMES = 5


def _known_names(request: HttpRequest | None) -> list[str]:
    raw = request.COOKIES.get(KNOWN_COOKIE) if request is not None else None
    if not raw:
        return []
    try:
        names = signing.loads(raw, salt=_KNOWN_SALT, max_age=_KNOWN_MAX_AGE)
    except signing.BadSignature:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def known_device(request: HttpRequest | None, username: str) -> bool:
    return bool(username) and username.lower() in _known_names(request)


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Mark this browser as one that has logged in to `username` (kept for a year)."""
    name = username.lower()
    names = [name, *(n for n in _known_names(request) if n != name)][:_KNOWN_NAMES]
    response.set_cookie(
        KNOWN_COOKIE,
        signing.dumps(names, salt=_KNOWN_SALT),
        max_age=int(_KNOWN_MAX_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


# Password-reset mails.
def reset_request_refusal(ip: str | None) -> str | None:
    """Count one password-reset request from `ip`; a message when the address is over its
    hourly limit. Said alike for every e-mail, registered or not."""
    limit = settings.WENKU.password_reset_per_ip
    address = address_key(ip)
    if not limit or not address:
        return None
    event, wait = take("reset-request", f"ip:{address}", limit, HOUR)
    if event is not None:
        return None
    return _("该网络申请重设密码过于频繁（每小时最多 %(n)s 次），请 %(minutes)s 分钟后再试。") % {
        "n": limit,
        "minutes": _minutes(wait),
    }


def reset_mail_allowed(user: User) -> bool:
    """Whether one more reset mail may go to `user` this hour (counts it when it may). The
    caller says nothing about a refusal: the requester must not learn the account exists."""
    limit = settings.WENKU.password_reset_per_account
    if not limit:
        return True
    return take("reset-mail", f"user:{user.pk}", limit, HOUR)[0] is not None
