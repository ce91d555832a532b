"""Many machines: two web nodes and two worker nodes as separate processes, each with its own
data folder, on PostgreSQL + Redis + S3 (moto). Nothing is shared on disk: what one node does
the others see through the database, the cache and the bucket."""

from __future__ import annotations

import datetime as dt
import os
import re
import time

import pytest
import requests

from tests.cluster.cluster import ADMIN, ADMIN_PASSWORD, Cluster
from wenku.samples.office import make_docx, make_txt
from wenku.samples.text import chinese_paragraphs

pytestmark = [pytest.mark.cluster, pytest.mark.office]

DOCUMENTS = 20
SERVER_URL = os.environ.get("DATABASE_URL", "")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not SERVER_URL.startswith("postgres"):
        pytest.skip("a cluster needs PostgreSQL: it runs in the PostgreSQL pass of `make test`")
    with Cluster(tmp_path_factory.mktemp("cluster"), SERVER_URL) as running:
        # A conversion's lease is its time limit plus WENKU_LEASE_SECONDS: small limits, so
        # that taking over a dead node's document does not keep the test waiting for a minute.
        running.env.update(WENKU_OFFICE_TIMEOUT_BASE="15", WENKU_RENDER_TIMEOUT_PER_PAGE="5")
        running.web_a, running.web_b = running.add_web(), running.add_web()
        running.workers = [running.add_worker(), running.add_worker()]
        yield running


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} not within {timeout} s")


@pytest.fixture(scope="module")
def uploaded(cluster, tmp_path_factory):
    """20 documents uploaded through web A; one worker node killed while it converts one."""
    folder = tmp_path_factory.mktemp("docs")
    numbers = {}
    for i in range(DOCUMENTS):
        word = f"zeta{i:02d}omega"
        # Texts of their own: near-duplicates would be held for review (not public).
        text = [f"第{i}篇 {word}。", *chinese_paragraphs(12, seed=1000 + i)]
        if i % 3 == 0:
            path = make_docx(folder / f"d{i}.docx", title=f"集群文档{i}", pages=3, seed=i,
                             paragraphs=text)  # fmt: skip
        else:
            path = make_txt(folder / f"t{i}.txt", text)
        numbers[word] = cluster.upload(cluster.web_a, path, title=f"集群文档{i}")["id"]

    victim = cluster.workers[0]
    row = _wait(
        lambda: cluster.sql(
            "SELECT id, lease_expires_at FROM library_document "
            "WHERE status = 'converting' AND lease_owner LIKE %s",
            f"{victim.name}:%",
        ),
        120,
        f"a conversion on {victim.name}",
    )[0]
    cluster.kill(victim)
    return numbers, row


def test_a_dead_nodes_document_is_taken_over_only_after_its_lease_expires(cluster, uploaded):
    _numbers, (doc_id, _expires) = uploaded
    victim = cluster.workers[0].name
    while True:
        status, owner, expires = cluster.sql(
            "SELECT status, lease_owner, lease_expires_at FROM library_document WHERE id = %s",
            doc_id,
        )[0]
        remaining = (expires - dt.datetime.now(dt.UTC)).total_seconds() if expires else -1
        if remaining < 0.5:
            break
        assert status == "converting" and owner.startswith(f"{victim}:"), (
            f"taken over {remaining:.1f} s before the dead node's lease expired"
        )
        time.sleep(0.2)
    _wait(
        lambda: (
            cluster.sql("SELECT status FROM library_document WHERE id = %s", doc_id)[0][0]
            == "ready"
        ),
        120,
        "the dead node's document converted by the other node",
    )


def test_every_document_ends_ready_with_each_page_once(cluster, uploaded):
    numbers, _ = uploaded
    _wait(
        lambda: cluster.sql(
            "SELECT count(*) FROM library_document WHERE status = 'ready'"
        )[0][0] == DOCUMENTS,
        240,
        "every document ready",
    )  # fmt: skip
    assert cluster.sql("SELECT count(*) FROM library_document")[0][0] == DOCUMENTS
    held = cluster.sql("SELECT review_flags FROM library_document WHERE review <> 'auto'")
    assert held == [], "nothing holds these documents back"
    duplicates = cluster.sql(
        "SELECT document_id, number FROM library_page GROUP BY 1, 2 HAVING count(*) > 1"
    )
    assert duplicates == []
    mismatched = cluster.sql(
        "SELECT d.id FROM library_document d LEFT JOIN library_page p ON p.document_id = d.id "
        "GROUP BY d.id, d.page_count HAVING count(p.id) <> d.page_count OR d.page_count = 0"
    )
    assert mismatched == []


def test_what_web_a_took_in_web_b_serves(cluster, uploaded):
    numbers, _ = uploaded
    test_every_document_ends_ready_with_each_page_once(cluster, uploaded)
    b = cluster.web_b.url
    for word, number in numbers.items():
        page = requests.get(f"{b}/doc/{number}/", timeout=10)
        assert page.status_code == 200 and "集群文档" in page.text
        image = requests.get(f"{b}/doc/{number}/page/1.webp", timeout=10)
        assert image.status_code == 200 and image.content[8:12] == b"WEBP"
        found = requests.get(f"{b}/api/search", params={"q": word}, timeout=10).json()
        assert [hit["id"] for hit in found["results"]] == [number], word


def test_a_session_opened_on_a_works_on_b(cluster):
    browser = requests.Session()
    form = browser.get(f"{cluster.web_a.url}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    done = browser.post(
        f"{cluster.web_a.url}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": ADMIN, "password": ADMIN_PASSWORD},
        timeout=10,
    )
    assert done.status_code == 200 and "sessionid" in browser.cookies
    me = browser.get(f"{cluster.web_b.url}/me/", timeout=10, allow_redirects=False)
    assert me.status_code == 200 and ADMIN in me.text


def test_a_favorite_on_a_shows_on_b_at_once(cluster, uploaded):
    numbers, _ = uploaded
    number = numbers["zeta01omega"]
    put = requests.put(f"{cluster.web_a.url}/api/documents/{number}/favorite",
                       headers=cluster.auth, timeout=10)  # fmt: skip
    assert put.status_code == 200, put.text
    mine = requests.get(f"{cluster.web_b.url}/api/me/favorites", headers=cluster.auth, timeout=10)
    assert number in [d["id"] for d in mine.json()]


def test_an_edit_on_a_shows_on_bs_cached_page_within_the_stamp_time(cluster, uploaded):
    numbers, _ = uploaded
    number = numbers["zeta02omega"]
    url = f"{cluster.web_b.url}/doc/{number}/"
    for _ in range(2):  # the second is served from the shared page cache
        assert "集群文档2" in requests.get(url, timeout=10).text
    edited = requests.patch(
        f"{cluster.web_a.url}/api/documents/{number}",
        json={"title": "改过的集群文档"},
        headers=cluster.auth,
        timeout=10,
    )
    assert edited.status_code == 200, edited.text
    started = time.monotonic()
    _wait(lambda: "改过的集群文档" in requests.get(url, timeout=10).text, 5, "the edit on B")
    assert time.monotonic() - started < 1 + 2, "within WENKU_PAGE_STAMP_SECONDS (1 s) and a margin"


def test_deleting_a_document_leaves_no_object_behind(cluster, uploaded):
    numbers, _ = uploaded
    number = numbers["zeta03omega"]
    doc_id, original, pdf = cluster.sql(
        "SELECT id, original, pdf FROM library_document WHERE number = %s", number
    )[0]
    images = [r[0] for r in cluster.sql(
        "SELECT image FROM library_page WHERE document_id = %s AND image <> ''", doc_id
    )]  # fmt: skip
    stored = cluster.bucket.keys()
    assert {original, pdf, *images} <= stored
    gone = requests.delete(f"{cluster.web_a.url}/api/documents/{number}",
                           headers=cluster.auth, timeout=10)  # fmt: skip
    assert gone.status_code == 200, gone.text
    left = cluster.bucket.keys() & {original, pdf, *images}
    assert left == set()
    assert cluster.bucket.keys(f"pages/{doc_id}/") == set()
    assert requests.get(f"{cluster.web_b.url}/doc/{number}/", timeout=10).status_code == 404
