"""Points are never lost or created by a race: simultaneous requests on real connections.

Each request runs in its own thread with its own database connection, released together by a
barrier, against SQLite (IMMEDIATE transactions) and PostgreSQL (row locks) alike.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.factories import give_points, published_document, verified
from wenku.accounts import points
from wenku.community.models import Tip
from wenku.library.models import Download, Purchase

pytestmark = pytest.mark.django_db(transaction=True)


def simultaneously(count, request):
    """Run request(i) in `count` threads at once; return the results in order."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = request(i)
        except Exception as exc:  # reported, not swallowed: the assertion shows it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def logged_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_twenty_simultaneous_paid_downloads_with_points_for_five(user, reader):
    documents = [published_document(uploader=user, title=f"付费{i}", price=2) for i in range(20)]
    give_points(reader, 10)
    client = logged_in_client(reader)

    statuses = simultaneously(
        20, lambda i: client.post(f"/doc/{documents[i].number}/download/").status_code
    )

    assert sorted(statuses) == [200] * 5 + [402] * 15, statuses
    reader.refresh_from_db()
    user.refresh_from_db()
    assert reader.points == 0 == points.ledger_sum(reader)
    assert user.points == 10 == points.ledger_sum(user)
    assert Purchase.objects.count() == 5 and Download.objects.count() == 5


def test_simultaneous_clicks_on_one_paid_document_pay_once(user, reader):
    document = published_document(uploader=user, price=3)
    give_points(reader, 10)
    client = logged_in_client(reader)

    statuses = simultaneously(8, lambda i: client.post(f"/doc/{document.number}/download/"))

    assert [getattr(s, "status_code", s) for s in statuses] == [200] * 8
    reader.refresh_from_db()
    assert reader.points == 7 == points.ledger_sum(reader)
    assert Purchase.objects.count() == 1


def test_the_same_tip_submitted_twice_at_once_charges_once(user, reader):
    document = published_document(uploader=user)
    give_points(reader, 20)
    verified(reader)  # a new account tips only once verified
    client = logged_in_client(reader)

    simultaneously(
        6,
        lambda i: (
            client.post(
                f"/doc/{document.number}/tip/", {"amount": "5", "key": "one-key"}
            ).status_code
        ),
    )

    reader.refresh_from_db()
    user.refresh_from_db()
    assert (reader.points, user.points, Tip.objects.count()) == (15, 5, 1)
    assert points.ledger_sum(reader) == 15 and points.ledger_sum(user) == 5


def test_simultaneous_tips_in_both_directions_neither_deadlock_nor_lose_points(user, reader):
    theirs = published_document(uploader=user)
    mine = published_document(uploader=reader)
    give_points(user, 50)
    give_points(reader, 50)
    verified(user, reader)  # new accounts tip only once verified
    clients = {user.pk: logged_in_client(user), reader.pk: logged_in_client(reader)}

    def tip(i):
        tipper, document = (reader, theirs) if i % 2 else (user, mine)
        return (
            clients[tipper.pk]
            .post(f"/doc/{document.number}/tip/", {"amount": "1", "key": f"k{i}"})
            .status_code
        )

    statuses = simultaneously(20, tip)

    assert statuses == [302] * 20, statuses
    user.refresh_from_db()
    reader.refresh_from_db()
    assert user.points + reader.points == 100
    assert user.points == points.ledger_sum(user) and reader.points == points.ledger_sum(reader)
