"""The reader's API: tokens, profile, points, sign-in, favorite, tip, report, download."""

import pytest

from tests.factories import give_points, verified
from wenku.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_token(reader):
    return ApiToken.issue(reader)[1]


def auth(token, **extra):
    return {"Authorization": f"Bearer {token}", **extra}


def test_register_and_token_by_password(client):
    response = client.post(
        "/api/auth/register",
        {"username": "apiuser1", "email": "api@example.com", "password": "pw-123456-abc"},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    me = client.get("/api/me", headers=auth(token)).json()
    assert me == {
        "username": "apiuser1",
        "email": "api@example.com",
        "points": 20,
        "signed_in_today": False,
    }
    response = client.post(
        "/api/auth/token",
        {"username": "apiuser1", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401 and response.json()["code"] == "bad_credentials"
    response = client.post(
        "/api/auth/token",
        {"username": "apiuser1", "password": "pw-123456-abc"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["token"].startswith("wk_")


def test_register_explains_a_weak_password(client):
    response = client.post(
        "/api/auth/register",
        {"username": "apiuser2", "email": "a2@example.com", "password": "123"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "密码" in response.json()["detail"]


def test_token_requests_are_throttled(client, reader):
    for _ in range(5):
        client.post(
            "/api/auth/token",
            {"username": "reader88", "password": "wrong"},
            content_type="application/json",
        )
    response = client.post(
        "/api/auth/token",
        {"username": "reader88", "password": "pw-123456-abc"},
        content_type="application/json",
    )
    assert response.status_code == 429


def test_sign_in_and_points_history(client, reader_token):
    first = client.post("/api/me/signin", headers=auth(reader_token)).json()
    again = client.post("/api/me/signin", headers=auth(reader_token)).json()
    assert first == {"first_today": True, "earned": 2, "points": 2}
    assert again == {"first_today": False, "earned": 0, "points": 2}
    history = client.get("/api/me/points", headers=auth(reader_token)).json()
    assert [(e["delta"], e["reason"]) for e in history] == [(2, "signin")]


def test_favorite_tip_report_download(client, reader, reader_token, user, make_document):
    document = make_document(price=4, title="接口文档")
    give_points(reader, 10)
    verified(reader)  # a new account tips only once verified (tests/security/test_abuse.py)
    base = f"/api/documents/{document.number}"

    assert client.put(f"{base}/favorite", headers=auth(reader_token)).json() == {
        "favorite": True,
        "count": 1,
    }
    favorites = client.get("/api/me/favorites", headers=auth(reader_token)).json()
    assert [f["id"] for f in favorites] == [document.number]
    assert client.delete(f"{base}/favorite", headers=auth(reader_token)).json()["count"] == 0

    headers = auth(reader_token, **{"Idempotency-Key": "tip-1"})
    first = client.post(
        f"{base}/tip", {"amount": 2}, content_type="application/json", headers=headers
    )
    again = client.post(
        f"{base}/tip", {"amount": 2}, content_type="application/json", headers=headers
    )
    assert first.status_code == 201 and first.json() == {
        "amount": 2,
        "points": 8,
        "replayed": False,
    }
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["points"] == 8
    other = client.post(
        f"{base}/tip", {"amount": 5}, content_type="application/json", headers=headers
    )
    assert other.status_code == 422, "the same key for another amount is not a replay"
    assert other.json()["code"] == "idempotency_key_reused"
    assert client.get("/api/me", headers=auth(reader_token)).json()["points"] == 8

    response = client.post(
        f"{base}/report",
        {"reason": "copyright", "details": "盗用"},
        content_type="application/json",
        headers=auth(reader_token),
    )
    assert response.status_code == 201
    response = client.post(
        f"{base}/report",
        {"reason": "spam"},
        content_type="application/json",
        headers=auth(reader_token),
    )
    assert response.status_code == 409 and response.json()["code"] == "already_reported"

    response = client.post(f"{base}/download", headers=auth(reader_token))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    response = client.post(f"{base}/download?kind=pdf", headers=auth(reader_token))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    me = client.get("/api/me", headers=auth(reader_token)).json()
    assert me["points"] == 4, "10 - 2 tip - 4 price, paid once for both files"
    downloads = client.get("/api/me/downloads", headers=auth(reader_token)).json()
    assert len(downloads) == 2


def test_download_refusals_are_precise(client, reader_token, make_document):
    document = make_document(price=4)
    response = client.post(f"/api/documents/{document.number}/download", headers=auth(reader_token))
    assert response.status_code == 402 and response.json()["code"] == "insufficient_points"
    assert client.post(f"/api/documents/{document.number}/download").status_code == 401
    response = client.post("/api/documents/999/download", headers=auth(reader_token))
    assert response.status_code == 404


def test_session_requests_need_csrf(reader, make_document):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    document = make_document()
    assert client.put(f"/api/documents/{document.number}/favorite").status_code == 403
    assert client.post("/api/me/signin").status_code == 403
    assert client.get("/api/me").status_code == 200


def test_the_openapi_document_lists_the_reader_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/me",
        "/api/me/points",
        "/api/me/signin",
        "/api/auth/token",
        "/api/documents/{number}/favorite",
        "/api/documents/{number}/tip",
        "/api/documents/{number}/report",
        "/api/documents/{number}/download",
    ]:
        assert path in paths, path
