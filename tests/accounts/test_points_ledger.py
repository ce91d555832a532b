"""The points ledger: every change is a row; the balance is their sum and never negative."""

import datetime as dt

import pytest

from tests.factories import give_points
from wenku.accounts import points, services
from wenku.accounts.models import PointsEntry, SignIn

pytestmark = pytest.mark.django_db


def assert_balanced(user):
    user.refresh_from_db()
    assert user.points == points.ledger_sum(user) >= 0


def test_every_change_is_a_row_with_the_balance_after_it(user):
    give_points(user, 10)
    points.post(user, -3, points.Reason.PURCHASE, key="buy:1", memo="某文档")
    entries = list(PointsEntry.objects.filter(user=user).order_by("id"))
    assert [(e.delta, e.balance) for e in entries] == [(10, 10), (-3, 7)]
    assert entries[1].memo == "某文档"
    assert_balanced(user)


def test_spending_more_than_the_balance_is_refused_and_changes_nothing(user):
    give_points(user, 4)
    with pytest.raises(points.InsufficientPoints) as refused:
        points.post(user, -5, points.Reason.PURCHASE, key="buy:2")
    assert "需要 5 积分" in refused.value.message and "4 积分" in refused.value.message
    assert PointsEntry.objects.filter(user=user).count() == 1
    assert_balanced(user)


def test_the_same_key_posts_once(user):
    first = points.post(user, 5, points.Reason.SIGNIN, key="signin:2026-11-29")
    again = points.post(user, 5, points.Reason.SIGNIN, key="signin:2026-11-29")
    assert first.created and not again.created and again.entry.pk == first.entry.pk
    assert_balanced(user)
    assert user.points == 5


def test_a_penalty_takes_what_there_is_and_never_goes_below_zero(user):
    give_points(user, 2)
    posted = points.post(user, -5, points.Reason.DELETE, key="delete:9", allow_partial=True)
    assert posted.entry.delta == -2
    assert_balanced(user)
    assert user.points == 0


def test_the_database_itself_refuses_a_negative_balance(user):
    from django.db import IntegrityError, transaction

    from wenku.accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(points=-1)


def test_registering_pays_the_register_bonus(site_settings):
    user = services.register("newbie01", "newbie@example.com", "pw-123456-abc")
    assert user.points == site_settings.register_bonus == 20
    assert PointsEntry.objects.get(user=user).reason == "register"
    assert_balanced(user)


def test_registration_can_be_closed(site_settings):
    site_settings.registration_open = False
    site_settings.save()
    with pytest.raises(services.AccountError):
        services.register("newbie02", "n2@example.com", "pw-123456-abc")


def test_daily_sign_in_pays_once_a_day(user, site_settings):
    assert services.sign_in_today(user) == (True, site_settings.signin_bonus)
    assert services.sign_in_today(user) == (False, 0)
    assert services.signed_in_today(user)
    assert_balanced(user)
    assert user.points == site_settings.signin_bonus


def test_the_sign_in_day_turns_at_midnight_in_shanghai_not_utc(user, site_settings, at_utc):
    bonus = site_settings.signin_bonus
    at_utc("2026-03-02 15:59")  # 23:59 on 2 March in Shanghai
    assert services.sign_in_today(user) == (True, bonus)
    at_utc("2026-03-02 16:01")  # 00:01 on 3 March: a new day, though UTC still says 2 March
    assert not services.signed_in_today(user)
    assert services.sign_in_today(user) == (True, bonus)
    days = SignIn.objects.filter(user=user).order_by("day").values_list("day", flat=True)
    assert list(days) == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
    keys = PointsEntry.objects.filter(user=user).order_by("id").values_list("key", flat=True)
    assert list(keys) == ["signin:2026-03-02", "signin:2026-03-03"]
    assert_balanced(user)
    assert user.points == 2 * bonus


def test_one_sign_in_from_1600_utc_to_1559_utc_the_next_day(user, site_settings, at_utc):
    at_utc("2026-03-02 16:01")  # 00:01 on 3 March in Shanghai
    assert services.sign_in_today(user)[0] is True
    for same_site_day in ["2026-03-02 23:59", "2026-03-03 00:01", "2026-03-03 15:59"]:
        at_utc(same_site_day)  # a new UTC date at 00:00 UTC changes nothing
        assert services.signed_in_today(user)
        assert services.sign_in_today(user) == (False, 0), same_site_day
    at_utc("2026-03-03 16:00")  # 00:00 on 4 March
    assert services.sign_in_today(user) == (True, site_settings.signin_bonus)
    assert_balanced(user)
    assert user.points == 2 * site_settings.signin_bonus


def test_rules_are_site_settings(site_settings):
    site_settings.register_bonus = 100
    site_settings.save()
    user = services.register("rich0001", "r@example.com", "pw-123456-abc")
    assert user.points == 100
