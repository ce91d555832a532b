"""The points ledger: the only code that changes a user's balance.

Every change is a `PointsEntry` row written in the same transaction as a conditional
`UPDATE ... SET points = points + delta WHERE points + delta >= 0`, so the balance can never go
below zero and always equals the sum of the rows, on SQLite (IMMEDIATE transactions serialise
writers) and on PostgreSQL (the UPDATE takes the row lock and re-checks its condition).
An operation submitted twice with the same key makes one entry: the unique (user, key)
constraint turns the second into a replay that returns the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from wenku.errors import Refusal

from .bans import active_ban, ban_message
from .models import PointsEntry, User

Reason = PointsEntry.Reason


class PointsError(Refusal):
    pass


class InsufficientPoints(PointsError):
    status = 402

    def __init__(self, needed: int, balance: int) -> None:
        super().__init__(
            _("积分不足：需要 %(needed)s 积分，您当前有 %(balance)s 积分。")
            % {"needed": needed, "balance": balance},
            "insufficient_points",
        )
        self.needed, self.balance = needed, balance


class PointsFrozen(PointsError):
    """The user is banned: nothing they do may cost or earn points."""

    status = 403

    def __init__(self, message: str) -> None:
        super().__init__(message, "banned")


@dataclass(frozen=True)
class Posted:
    entry: PointsEntry
    created: bool  # False when the key had been used before (a replay)


def check_not_frozen(user: User) -> None:
    ban = active_ban(user, "points")
    if ban is not None or not user.is_active:
        raise PointsFrozen(ban_message(ban) if ban else _("该账号已停用。"))


def post(
    user: User,
    delta: int,
    reason: str,
    *,
    key: str,
    document=None,
    counterparty: User | None = None,
    memo: str = "",
    allow_partial: bool = False,
) -> Posted:
    """Add `delta` (negative to spend) to `user`'s points and record why.

    Raises InsufficientPoints when the balance would go negative, unless `allow_partial`, which
    takes what there is (used for penalties: a penalty never puts a balance below zero).
    """
    if not key:
        raise ValueError("a ledger entry needs an idempotency key")
    existing = PointsEntry.objects.filter(user=user, key=key).first()
    if existing is not None:
        return Posted(existing, created=False)
    try:
        with transaction.atomic():
            if delta < 0 and allow_partial:
                balance = User.objects.filter(pk=user.pk).values_list("points", flat=True).get()
                delta = -min(balance, -delta)
            changed = User.objects.filter(pk=user.pk, points__gte=-delta).update(
                points=F("points") + delta
            )
            balance = User.objects.filter(pk=user.pk).values_list("points", flat=True).get()
            if not changed:
                raise InsufficientPoints(-delta, balance)
            entry = PointsEntry.objects.create(
                user=user,
                delta=delta,
                balance=balance,
                reason=reason,
                key=key,
                document=document,
                counterparty=counterparty,
                memo=memo[:200],
            )
    except IntegrityError:
        # The same key committed concurrently: this attempt is rolled back, theirs stands.
        existing = PointsEntry.objects.filter(user=user, key=key).first()
        if existing is None:
            raise
        return Posted(existing, created=False)
    user.points = balance
    return Posted(entry, created=True)


def ledger_sum(user: User) -> int:
    return PointsEntry.objects.filter(user=user).aggregate(total=Sum("delta"))["total"] or 0


def balance_of(user: User) -> int:
    return User.objects.filter(pk=user.pk).values_list("points", flat=True).get()


def lock_users(*users: User | None) -> None:
    """Lock the users' rows in one order, so opposite transfers cannot deadlock each other."""
    ids = sorted({u.pk for u in users if u is not None})
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
