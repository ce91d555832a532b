"""Copyright complaints through the API: file one (multipart), list mine, counter one."""

from __future__ import annotations

import pytest

from tests.factories import published_document
from tests.moderation.test_complaints import PDF, form, png, proof, proofs
from wenku.accounts.models import ApiToken
from wenku.moderation import complaints
from wenku.moderation.models import Complaint

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


@pytest.fixture
def document(user):
    return published_document(uploader=user, title="接口投诉的文档")


def _payload(**changes) -> dict:
    data = {**form(), "statement": "true", **proofs()}
    data.update(changes)
    return data


def test_file_list_and_counter(client, reader, user, admin_user, document):
    response = client.post(
        f"/api/documents/{document.number}/complaints", _payload(), headers=_auth(reader)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["role"] == "complainant"
    assert body["document_id"] == document.number and body["rights_holder"] == "某某出版社"
    assert body["urls"] == ["http://testserver/doc/1/"]
    assert [p["which"] for p in body["proofs"]] == ["identity", "rights"]
    assert body["url"] == f"/complaints/{body['id']}/"

    mine = client.get("/api/me/complaints", headers=_auth(reader)).json()
    assert [c["id"] for c in mine] == [body["id"]]
    theirs = client.get("/api/me/complaints", headers=_auth(user)).json()
    assert [c["role"] for c in theirs] == ["uploader"] and theirs[0]["proofs"] == []

    url = f"/api/complaints/{body['id']}/counter"
    counter = {"counter_statement": "原创", "counter_proof": proof()}
    response = client.post(url, counter, headers=_auth(user))
    assert response.status_code == 409 and response.json()["code"] == "wrong_state"
    complaints.take_down(Complaint.objects.get(), admin_user, "")
    response = client.post(url, counter, headers=_auth(reader))
    assert response.status_code == 403 and response.json()["code"] == "not_uploader"
    response = client.post(
        url, {"counter_statement": "原创", "counter_proof": proof()}, headers=_auth(user)
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "countered"
    assert response.json()["counter_statement"] == "原创"


def test_refusals_have_their_status(client, reader, user, document, django_user_model):
    url = f"/api/documents/{document.number}/complaints"
    headers = _auth(reader)
    html = proof("x.pdf", b"<html></html>")
    response = client.post(url, _payload(rights_proof=html), headers=headers)
    assert response.status_code == 400 and response.json()["code"] == "bad_file"
    big = proof("big.pdf", PDF + b"0" * (10 * 1024 * 1024 + 1))
    response = client.post(url, _payload(identity_proof=big), headers=headers)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    response = client.post(url, _payload(statement="false"), headers=headers)
    assert response.status_code == 400 and response.json()["code"] == "statement_required"
    response = client.post(url, _payload(), headers=_auth(user))
    assert response.status_code == 403 and response.json()["code"] == "own_document"
    assert client.post(url, _payload(), headers=headers).status_code == 201
    response = client.post(url, _payload(), headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "already_complained"
    response = client.post("/api/documents/1/complaints", _payload(), headers=headers)
    assert response.status_code == 404
    assert client.post(url, _payload()).status_code == 401


def test_the_daily_limit(client, reader, user):
    headers = _auth(reader)
    for n in range(complaints.PER_DAY + 1):
        doc = published_document(uploader=user, title=f"文档{n}")
        response = client.post(
            f"/api/documents/{doc.number}/complaints", _payload(), headers=headers
        )
        expected = 201 if n < complaints.PER_DAY else 429
        assert response.status_code == expected, (n, response.content)
    assert response.json()["code"] == "rate_limited"


def test_a_stranger_cannot_counter_or_see(client, reader, document, django_user_model):
    made = complaints.file(reader, document, form(), proofs())
    stranger = django_user_model.objects.create_user("stranger", password="pw-123456-abc")
    response = client.post(
        f"/api/complaints/{made.pk}/counter",
        {"counter_statement": "x", "counter_proof": proof("p.png", png(), "image/png")},
        headers=_auth(stranger),
    )
    assert response.status_code == 404
    assert client.get("/api/me/complaints", headers=_auth(stranger)).json() == []
