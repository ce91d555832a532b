"""The site's day is Shanghai's: it begins at 16:00 UTC, whatever the server's own clock says."""

import datetime as dt

import pytest
from django.utils import timezone

from wenku.clock import start_of_today

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("now_utc", "site_day_began_utc"),
    [
        ("2026-03-02 15:59", "2026-03-01 16:00"),  # 23:59 on 2 March in Shanghai
        ("2026-03-02 16:00", "2026-03-02 16:00"),  # 00:00 on 3 March: the day has just begun
        ("2026-03-02 16:01", "2026-03-02 16:00"),  # 00:01 on 3 March
        ("2026-03-02 23:59", "2026-03-02 16:00"),  # 07:59 on 3 March
        ("2026-03-03 00:01", "2026-03-02 16:00"),  # a new UTC date, still 3 March in Shanghai
        ("2026-12-31 16:30", "2026-12-31 16:00"),  # 00:30 on New Year's Day 2027
    ],
)
def test_today_starts_at_midnight_in_shanghai(at_utc, now_utc, site_day_began_utc):
    at_utc(now_utc)
    began = start_of_today()
    assert began == dt.datetime.fromisoformat(site_day_began_utc).replace(tzinfo=dt.UTC)
    assert began.utcoffset() == dt.timedelta(hours=8), "in the site's time zone"
    assert (began.hour, began.minute, began.second, began.microsecond) == (0, 0, 0, 0)


def test_start_of_today_and_the_sites_date_agree(at_utc):
    for instant in ["2026-03-02 15:59", "2026-03-02 16:01"]:
        now = at_utc(instant)
        assert start_of_today().date() == timezone.localdate() == now.astimezone(SHANGHAI).date()
    assert timezone.localdate() == dt.date(2026, 3, 3)
    assert timezone.now().date() == dt.date(2026, 3, 2), "UTC still says 2 March"


@pytest.mark.django_db
def test_the_footer_shows_the_sites_year(client, at_utc):
    at_utc("2026-12-31 16:01")  # already 2027 in Shanghai, still 2026 in UTC
    footer = client.get("/").content.decode().split("<footer", 1)[1]
    assert "© 2026-2027 " in footer
