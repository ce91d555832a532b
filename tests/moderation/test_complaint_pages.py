"""The complaint pages without a browser: the form (multipart, no JavaScript), the moderators'
queue, the counter-notice form, a complaint's page, and the proof files behind their checks."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import published_document
from tests.moderation.test_complaints import PDF, form, png, proof, proofs
from wenku.library.models import Document
from wenku.moderation import complaints
from wenku.moderation.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(user):
    return published_document(uploader=user, title="被投诉的文档")


@pytest.fixture
def filed(reader, document):
    return complaints.file(reader, document, form(), proofs())


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user("stranger", password="pw-123456-abc")


def test_the_document_page_links_to_the_complaint_form(client, document):
    page = client.get(document.get_absolute_url()).content.decode()
    assert f'href="/doc/{document.number}/complaint/"' in page and "版权投诉" in page


def test_the_form_needs_a_login_and_names_the_document(client, reader, document):
    url = f"/doc/{document.number}/complaint/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(reader)
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and "被投诉的文档" in page
    assert f"http://testserver/doc/{document.number}/" in page, "the URL is filled in"
    for name in ["rights_holder", "contact", "work", "urls", "identity_proof", "rights_proof"]:
        assert f'name="{name}"' in page, name
    assert 'type="checkbox" name="statement"' in page and "法律责任" in page


def test_filing_through_the_form(client, reader, document):
    client.force_login(reader)
    data = {**form(urls=f"http://testserver/doc/{document.number}/"), **proofs()}
    response = client.post(f"/doc/{document.number}/complaint/", data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == f"/complaints/{complaint.pk}/"
    assert complaint.complainant == reader and complaint.document == document
    page = client.get(response.url).content.decode()
    assert "投诉已提交" in page and "待处理" in page and "某某出版社" in page
    assert f"/complaints/{complaint.pk}/files/identity/" in page
    assert "提交反通知" not in page
    mine = client.get("/complaints/").content.decode()
    assert f"/complaints/{complaint.pk}/" in mine and "投诉人" in mine


def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(client, reader, document):
    client.force_login(reader)
    html = SimpleUploadedFile("证明.pdf", b"<html><body>hi</body></html>", "application/pdf")
    data = {**form(work="我的作品"), **proofs(rights_proof=html)}
    response = client.post(f"/doc/{document.number}/complaint/", data)
    page = response.content.decode()
    assert response.status_code == 400 and "权属证明须为 PDF、JPG 或 PNG" in page
    assert "我的作品" in page and "某某出版社" in page
    assert not Complaint.objects.exists()
    response = client.post(f"/doc/{document.number}/complaint/", {**form(statement=""), **proofs()})
    assert response.status_code == 400 and "请勾选真实性声明" in response.content.decode()


def test_the_queue_is_for_staff_with_the_proofs_and_the_buttons(client, reader, admin_user, filed):
    client.force_login(reader)
    assert client.get("/moderation/complaints/").status_code == 302
    assert (
        client.post(f"/moderation/complaints/{filed.pk}/", {"action": "reject"}).status_code == 302
    )
    assert Complaint.objects.get().status == "open"

    client.force_login(admin_user)
    page = client.get("/moderation/complaints/").content.decode()
    assert 'href="/moderation/complaints/" aria-current="page"' in page, "in the moderators' tabs"
    assert "被投诉的文档" in page and "某某出版社" in page and "rights@example.com" in page
    assert f"/complaints/{filed.pk}/files/identity/" in page
    assert f"/complaints/{filed.pk}/files/rights/" in page
    assert 'value="take_down"' in page and 'value="reject"' in page
    assert 'value="restore"' not in page

    response = client.post(
        f"/moderation/complaints/{filed.pk}/", {"action": "take_down", "note": "证据充分"}
    )
    assert response.status_code == 302 and response.url.endswith("?status=open")
    filed.refresh_from_db()
    assert filed.status == "taken_down" and filed.handled_by == admin_user
    assert Document.objects.get(pk=filed.document_id).review == "hidden"
    page = client.get("/moderation/complaints/?status=taken_down").content.decode()
    assert "证据充分" in page and 'value="uphold"' in page
    response = client.post(
        f"/moderation/complaints/{filed.pk}/", {"action": "take_down"}, follow=True
    )
    assert "不能进行此操作" in response.content.decode()


def test_the_uploader_counters_through_the_form(client, reader, user, admin_user, filed, stranger):
    url = f"/complaints/{filed.pk}/counter/"
    client.force_login(user)
    assert client.get(url).status_code == 409, "not taken down yet"
    complaints.take_down(filed, admin_user, "")

    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 403 and "上传者" in response.content.decode()

    client.force_login(user)
    page = client.get(f"/complaints/{filed.pk}/").content.decode()
    assert url in page and "rights@example.com" not in page, "the complainant's contact is theirs"
    assert "/files/identity/" not in page
    response = client.post(url, {"counter_statement": "本人原创", "counter_proof": proof()})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == "countered" and filed.counter_statement == "本人原创"

    client.force_login(admin_user)
    page = client.get("/moderation/complaints/?status=countered").content.decode()
    assert "本人原创" in page and f"/complaints/{filed.pk}/files/counter/" in page
    client.post(f"/moderation/complaints/{filed.pk}/", {"action": "restore", "note": ""})
    assert Document.objects.public().filter(pk=filed.document_id).exists()


def test_a_complaint_page_is_for_its_parties_only(client, filed, stranger):
    url = f"/complaints/{filed.pk}/"
    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get("/complaints/999999/").status_code == 404


def test_proof_files_reach_only_staff_and_the_complainant(
    client, reader, user, admin_user, filed, stranger
):
    identity = f"/complaints/{filed.pk}/files/identity/"
    rights = f"/complaints/{filed.pk}/files/rights/"
    response = client.get(identity)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    for who in (stranger, user):
        client.force_login(who)
        assert client.get(identity).status_code == 404
        assert client.get(rights).status_code == 404
    for who in (reader, admin_user):
        client.force_login(who)
        response = client.get(identity)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == png()
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert f"complaint-{filed.pk}-identity.png" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        response = client.get(rights)
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert client.get(f"/complaints/{filed.pk}/files/counter/").status_code == 404
        assert client.get(f"/complaints/{filed.pk}/files/nothing/").status_code == 404


def test_the_uploader_gets_their_own_counter_proof(client, reader, user, admin_user, filed):
    complaints.take_down(filed, admin_user, "")
    complaints.counter(filed, user, "原创", proof())
    url = f"/complaints/{filed.pk}/files/counter/"
    for who in (user, reader, admin_user):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    client.force_login(user)
    assert client.get(f"/complaints/{filed.pk}/files/identity/").status_code == 404


def test_the_stored_files_are_not_public(client, filed):
    """Nothing serves the storage folder: the stored name is no URL."""
    assert client.get("/" + filed.identity_proof.name).status_code == 404
    assert client.get("/media/" + filed.identity_proof.name).status_code == 404


def test_a_hidden_document_cannot_be_complained_about_by_others(client, reader, user):
    hidden = published_document(uploader=user, title="私有")
    Document.objects.filter(pk=hidden.pk).update(review="hidden")
    client.force_login(reader)
    assert client.get(f"/doc/{hidden.number}/complaint/").status_code == 404
