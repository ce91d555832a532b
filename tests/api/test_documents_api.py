"""The API: upload a document, follow its status, read its OpenAPI document."""

import pytest

from wenku.accounts.models import ApiToken
from wenku.library.models import Category, Document
from wenku.samples.office import make_docx, make_txt

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(user):
    return ApiToken.issue(user)[1]


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.office
def test_upload_then_status_until_ready(client, token, run_queue, tmp_docs):
    Category.from_path("技术/接口")  # categories are made by staff
    path = make_docx(tmp_docs / "api.docx", title="接口上传", paragraphs=["接口正文"], pages=2)
    with path.open("rb") as f:
        response = client.post(
            "/api/documents",
            {"file": f, "title": "接口上传的文档", "tags": "接口,测试", "category": "技术/接口"},
            headers=_auth(token),
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued" and body["title"] == "接口上传的文档"
    number = body["id"]

    status = client.get(f"/api/documents/{number}", headers=_auth(token)).json()
    assert status["status"] == "queued"
    assert client.get(f"/api/documents/{number}").status_code == 404, "not public until ready"

    run_queue()
    status = client.get(f"/api/documents/{number}").json()
    assert status["status"] == "ready"
    assert status["review"] == "auto", "the site's review is off: nothing holds it back"
    assert status["pages"] == 2 and status["preview_pages"] == 2 and status["error"] == ""
    document = Document.objects.get(number=number)
    assert sorted(document.tags.values_list("name", flat=True)) == ["接口", "测试"]
    assert document.category.path == "技术/接口"


@pytest.mark.office
def test_a_document_held_for_review_says_so(client, token, run_queue, site_settings, tmp_docs):
    site_settings.review_mode = "everyone"
    site_settings.save()
    path = make_txt(tmp_docs / "待审.txt", ["等待审核的正文。"])
    with path.open("rb") as f:
        body = client.post("/api/documents", {"file": f}, headers=_auth(token)).json()
    number = body["id"]

    run_queue()
    status = client.get(f"/api/documents/{number}", headers=_auth(token)).json()
    assert (status["status"], status["review"]) == ("ready", "pending")
    assert client.get(f"/api/documents/{number}").status_code == 404, "not public until approved"


def test_the_review_states_are_listed_in_the_openapi_document(client):
    schema = client.get("/api/openapi.json").json()
    review = schema["components"]["schemas"]["DocumentOut"]["properties"]["review"]
    states = schema["components"]["schemas"][review["$ref"].rsplit("/", 1)[1]]["enum"]
    assert states == [value for value, _label in Document.Review.choices]


def test_upload_needs_authentication(client, tmp_docs):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    with path.open("rb") as f:
        assert client.post("/api/documents", {"file": f}).status_code == 401
    with path.open("rb") as f:
        response = client.post("/api/documents", {"file": f}, headers=_auth("wk_wrong"))
    assert response.status_code == 401
    assert Document.objects.count() == 0


def test_session_upload_needs_csrf(user, tmp_docs):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    with path.open("rb") as f:
        response = client.post("/api/documents", {"file": f})
    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_failed_document_shows_its_reason_to_its_uploader_only(client, token, user, tmp_docs):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    with path.open("rb") as f:
        number = client.post("/api/documents", {"file": f}, headers=_auth(token)).json()["id"]
    Document.objects.filter(number=number).update(status="failed", error="LibreOffice 未能生成 PDF")
    body = client.get(f"/api/documents/{number}", headers=_auth(token)).json()
    assert body["status"] == "failed" and body["error"] == "LibreOffice 未能生成 PDF"
    assert client.get(f"/api/documents/{number}").status_code == 404


def test_openapi_document_lists_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/documents" in schema["paths"]
    assert "/api/documents/{number}" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_an_uploader_edits_the_title_and_price_and_search_and_page_follow(client, token, user):
    from tests.factories import published_document

    document = published_document(uploader=user, title="旧的标题")
    response = client.patch(
        f"/api/documents/{document.number}",
        {"title": "  新的   标题 ", "price": 5},
        content_type="application/json",
        headers=_auth(token),
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "新的 标题"
    document.refresh_from_db()
    assert document.price == 5
    assert "新的 标题" in client.get(document.get_absolute_url()).content.decode()
    hits = client.get("/api/search", {"q": "新的"}).json()["results"]
    assert [hit["id"] for hit in hits] == [document.number]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"title": " \u200b "}, "title"), ({"price": -1}, "price"), ({"price": 100_001}, "price")],
)
def test_an_edit_that_breaks_a_rule_is_refused_and_changes_nothing(
    client, token, user, body, field
):
    from tests.factories import published_document

    document = published_document(uploader=user, title="原标题", price=3)
    response = client.patch(
        f"/api/documents/{document.number}",
        body,
        content_type="application/json",
        headers=_auth(token),
    )
    assert response.status_code == 400, response.content
    document.refresh_from_db()
    assert (document.title, document.price) == ("原标题", 3)


def test_another_users_document_cannot_be_edited_or_deleted(client, token, django_user_model):
    from tests.factories import published_document

    other = django_user_model.objects.create_user("other", password="pw-other-123456")
    document = published_document(uploader=other, title="别人的文档")
    url = f"/api/documents/{document.number}"
    edit = client.patch(
        url, {"title": "改掉"}, content_type="application/json", headers=_auth(token)
    )
    assert edit.status_code == 404
    assert client.delete(url, headers=_auth(token)).status_code == 404
    document.refresh_from_db()
    assert document.title == "别人的文档"


def test_an_uploader_deletes_a_document_with_its_files(
    client, token, user, site_settings, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from tests.factories import published_document

    site_settings.delete_penalty = 2
    site_settings.save()
    user.__class__.objects.filter(pk=user.pk).update(points=10)
    document = published_document(uploader=user, title="要删除的文档")
    files = [document.original.name, *document.pages.values_list("image", flat=True)]
    assert all(default_storage.exists(name) for name in files)
    with django_capture_on_commit_callbacks(execute=True):  # files go once the delete commits
        response = client.delete(f"/api/documents/{document.number}", headers=_auth(token))
    assert response.status_code == 200, response.content
    assert response.json() == {"deleted": document.number, "points_lost": 2}
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert client.get(f"/api/documents/{document.number}").status_code == 404
