"""The upload page without JavaScript, and the document page's conversion status."""

import pytest

from wenku.library.models import Category, Document
from wenku.samples.office import make_txt
from wenku.samples.pdf import make_pdf

pytestmark = pytest.mark.django_db


def test_upload_requires_login(client):
    response = client.get("/upload/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_several_files_at_once_with_metadata(client, user, tmp_docs):
    client.force_login(user)
    category = Category.from_path("行业资料/研究报告")
    a = make_txt(tmp_docs / "甲.txt", ["第一份"])
    b = make_txt(tmp_docs / "乙.txt", ["第二份"])
    empty = tmp_docs / "空.docx"
    empty.write_bytes(b"")
    with a.open("rb") as fa, b.open("rb") as fb, empty.open("rb") as fe:
        response = client.post(
            "/upload/",
            {
                "files": [fa, fb, fe],
                "category": category.pk,
                "tags": "甲, 乙",
                "price": 3,
                "description": "两份文本",
            },
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "文件为空" in html
    docs = Document.objects.order_by("title")
    assert [d.title for d in docs] == ["乙", "甲"]
    for d in docs:
        assert d.category == category and d.price == 3 and d.description == "两份文本"
        assert d.status == "queued"
        assert f"/doc/{d.number}/status/" in html


def test_form_errors_are_shown(client, user):
    client.force_login(user)
    response = client.post("/upload/", {"price": -1})
    html = response.content.decode()
    assert "请选择至少一个文件" in html
    assert Document.objects.count() == 0


def test_status_json_follows_the_conversion(client, user, run_queue, tmp_docs):
    client.force_login(user)
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    with path.open("rb") as f:
        result = client.post(
            "/upload/", {"files": f, "price": 0}, headers={"Accept": "application/json"}
        ).json()["results"][0]
    status = client.get(result["status_url"]).json()
    assert status["status"] == "queued" and status["status_display"] == "排队中"
    page = client.get(result["url"]).content.decode()
    assert "排队中" in page and "<progress" in page
    run_queue()
    status = client.get(result["status_url"]).json()
    assert status["status"] == "ready" and status["progress"] == 100 and status["pages"] == 1


def test_page_images_beyond_the_preview_are_not_served(client, user, run_queue, tmp_docs):
    from wenku.conversion.ingest import Metadata, ingest

    path = make_pdf(tmp_docs / "p.pdf", title="预览", pages=5)
    document = ingest(path, path.name, user, Metadata(preview_limit=2))
    run_queue()
    assert client.get(f"/doc/{document.number}/page/2.webp").status_code == 200
    assert client.get(f"/doc/{document.number}/page/3.webp").status_code == 404
    html = client.get(document.get_absolute_url()).content.decode()
    assert "第2页 / 共5页" in html and "第3页 / 共5页" not in html
    assert "还剩3页未读" in html
    assert document.sha256 not in html
