"""The suite runs on the database it says it runs on (scripts/test.sh names it)."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_run_is_on_the_database_it_names():
    expected = os.environ.get("WENKU_EXPECT_DATABASE")
    if expected is None:  # a partial run by hand: whatever DATABASE_URL says
        expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("select 1")
        assert cursor.fetchone() == (1,)
