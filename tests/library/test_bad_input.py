"""Bad input gets a precise message at every door, stores nothing and leaves nothing stuck."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests.samples import hostile
from wenku.accounts.models import ApiToken
from wenku.conversion.ingest import IngestError, ingest
from wenku.library.models import Document
from wenku.samples.office import make_docx, make_txt
from wenku.samples.pdf import make_blank_pdf

pytestmark = pytest.mark.django_db

# name, builder, error code, words the message must contain
REFUSED = [
    ("empty.docx", hostile.make_zero_byte, "empty", "为空"),
    ("random.docx", hostile.make_random_bytes, "malformed", "不是有效的 DOCX"),
    ("bomb.docx", hostile.make_zip_bomb_docx, "zip_bomb", "压缩炸弹"),
    ("xxe.docx", hostile.make_xxe_docx, "xxe", "XXE"),
    ("locked.docx", hostile.make_password_docx, "encrypted", "密码"),
    ("locked.pdf", hostile.make_encrypted_pdf, "encrypted", "加密"),
    ("tool.exe", hostile.make_exe, "unsupported", "不支持"),
]


def _build(builder, folder: Path, name: str) -> Path:
    return builder(folder / name)


def _stored_files() -> set[str]:
    root = Path(default_storage.location)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("name", "builder", "code", "words"), REFUSED)
def test_service_refuses_with_precise_message(name, builder, code, words, user, tmp_docs):
    path = _build(builder, tmp_docs, name)
    before = _stored_files()
    with pytest.raises(IngestError) as info:
        ingest(path, name, user)
    assert info.value.code == code
    assert words in info.value.message
    assert Document.objects.count() == 0
    assert _stored_files() == before


@pytest.mark.parametrize(("name", "builder", "code", "words"), REFUSED)
def test_web_form_shows_the_message(name, builder, code, words, user, client, tmp_docs):
    client.force_login(user)
    path = _build(builder, tmp_docs, name)
    with path.open("rb") as f:
        response = client.post("/upload/", {"files": f, "price": 0})
    assert response.status_code == 200
    assert words in response.content.decode()
    with path.open("rb") as f:
        response = client.post(
            "/upload/", {"files": f, "price": 0}, headers={"Accept": "application/json"}
        )
    assert response.status_code == 400
    (result,) = response.json()["results"]
    assert result["ok"] is False and result["code"] == code and words in result["error"]
    assert Document.objects.count() == 0


@pytest.mark.parametrize(("name", "builder", "code", "words"), REFUSED)
def test_api_answers_4xx_json(name, builder, code, words, user, client, tmp_docs):
    _, token = ApiToken.issue(user)
    path = _build(builder, tmp_docs, name)
    with path.open("rb") as f:
        response = client.post(
            "/api/documents", {"file": f}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and words in body["detail"]
    assert Document.objects.count() == 0


@pytest.mark.parametrize(("name", "builder", "code", "words"), REFUSED)
def test_cli_reports_on_stderr_and_exits_nonzero(
    name, builder, code, words, admin_user, tmp_docs, capsys
):
    path = _build(builder, tmp_docs, name)
    with pytest.raises(SystemExit) as info:
        call_command("import", str(path), "--json")
    assert info.value.code == 1
    out, err = capsys.readouterr()
    row = json.loads(out.strip().splitlines()[-1])
    assert row["status"] == "rejected" and row["id"] is None and words in row["error"]
    assert words in err


def test_file_over_the_size_limit_is_refused(user, tmp_docs, wenku_config, client):
    wenku_config(max_upload_mb=1)
    big = make_txt(tmp_docs / "big.txt", ["字" * 1000] * 400)  # 1.2 MB of UTF-8
    assert big.stat().st_size > 1024 * 1024
    with pytest.raises(IngestError) as info:
        ingest(big, big.name, user)
    assert info.value.code == "too_large" and "上限为 1 MB" in info.value.message
    _, token = ApiToken.issue(user)
    with big.open("rb") as f:
        response = client.post(
            "/api/documents", {"file": f}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 413
    assert Document.objects.count() == 0


def test_path_traversal_and_control_characters_in_names_are_cleaned(user, tmp_docs):
    path = make_docx(tmp_docs / "ok.docx", title="正常", paragraphs=["正文"])
    outside = Path("/etc/passwd.docx")
    document = ingest(path, "../../etc/passwd.docx", user)
    assert document.original_filename == "passwd.docx"
    assert not outside.exists()
    root = Path(default_storage.location).resolve()
    assert Path(default_storage.path(document.original.name)).resolve().is_relative_to(root)

    other = make_docx(tmp_docs / "ok2.docx", title="正常2", paragraphs=["正文2"])
    document = ingest(other, "报\x00告\x1b[31m\r\n.docx", user)
    assert document.original_filename == "报告[31m.docx"
    assert document.title == "报告[31m"


def test_xss_in_title_is_escaped_on_the_page(user, client, run_queue, tmp_docs):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    from wenku.conversion.ingest import Metadata

    document = ingest(path, "a.txt", user, Metadata(title="<script>alert(1)</script>"))
    client.force_login(user)
    html = client.get(document.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.office
def test_a_truncated_pdf_is_repaired_and_keeps_what_survived(user, run_queue, tmp_docs):
    # 60% of the file: no xref and no trailer; qpdf rebuilds the xref from the objects left:
    # all ten page objects, but only the first five pages' content streams.
    path = hostile.make_truncated_pdf(tmp_docs / "cut.pdf", keep=0.6)
    document = ingest(path, "cut.pdf", user)
    run_queue()
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    assert document.page_count == 10
    texts = list(document.pages.order_by("number").values_list("text", flat=True))
    assert [f"第{n}页" in text for n, text in enumerate(texts[:5], start=1)] == [True] * 5
    assert texts[5:] == [""] * 5
    assert "已自动修复" in document.error and "5 页没有可显示的内容" in document.error


def test_a_pdf_cut_to_its_first_bytes_is_refused_as_damaged(user, tmp_docs):
    path = hostile.make_truncated_pdf(tmp_docs / "cut.pdf", keep=0.05)
    with pytest.raises(IngestError) as info:
        ingest(path, "cut.pdf", user)
    assert info.value.code == "malformed" and "损坏" in info.value.message
    assert Document.objects.count() == 0


@pytest.mark.office
def test_owner_password_only_pdf_is_accepted(user, run_queue, tmp_docs):
    path = hostile.make_owner_only_pdf(tmp_docs / "owner.pdf")
    document = ingest(path, "owner.pdf", user)
    run_queue()
    document.refresh_from_db()
    assert document.status == Document.Status.READY


@pytest.mark.office
def test_pdf_of_5000_pages_renders_only_previewable_pages(user, run_queue, tmp_docs):
    import time

    path = hostile_or_blank(tmp_docs)
    document = ingest(path, "huge.pdf", user)
    started = time.monotonic()
    run_queue()
    elapsed = time.monotonic() - started
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    assert document.page_count == 5000
    assert document.preview_page_count == 20
    assert document.pages.count() == 5000
    assert document.pages.exclude(image="").count() == 20
    assert elapsed < 120, f"took {elapsed:.1f}s"


def hostile_or_blank(folder: Path) -> Path:
    return make_blank_pdf(folder / "huge.pdf", 5000)


def test_duplicate_is_reported_not_stored_twice(user, tmp_docs, client):
    path = make_docx(tmp_docs / "dup.docx", title="重复", paragraphs=["同一个文件"])
    first = ingest(path, "dup.docx", user)
    stored = _stored_files()
    from wenku.conversion.ingest import Duplicate

    with pytest.raises(Duplicate) as info:
        ingest(path, "copy-of-dup.docx", user)
    assert info.value.existing == first
    assert str(first.number) in info.value.message
    assert _stored_files() == stored
    assert Document.objects.count() == 1
    _, token = ApiToken.issue(user)
    with path.open("rb") as f:
        response = client.post(
            "/api/documents", {"file": f}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 409 and response.json()["existing_id"] == first.number


def test_nothing_is_left_in_the_temporary_folder(user, tmp_docs, client):
    from django.conf import settings

    tmp = Path(settings.DATA_DIR) / "tmp"
    before = set(os.listdir(tmp))
    client.force_login(user)
    bomb = hostile.make_zip_bomb_docx(tmp_docs / "bomb.docx")
    with bomb.open("rb") as f:
        client.post("/upload/", {"files": f, "price": 0})
    assert set(os.listdir(tmp)) == before


ENGLISH = {
    "empty": "empty",
    "malformed": "not a valid DOCX",
    "zip_bomb": "zip bomb",
    "xxe": "XXE",
    "encrypted": "password",
    "unsupported": "Unsupported",
}


@pytest.mark.parametrize(("name", "builder", "code", "words"), REFUSED)
def test_refusals_speak_the_readers_language(name, builder, code, words, user, client, tmp_docs):
    client.force_login(user)
    path = _build(builder, tmp_docs, name)
    with path.open("rb") as f:
        english = client.post("/upload/", {"files": f, "price": 0}, HTTP_ACCEPT_LANGUAGE="en")
    with path.open("rb") as f:
        chinese = client.post("/upload/", {"files": f, "price": 0}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert ENGLISH[code] in english.content.decode()
    assert words in chinese.content.decode()
    if any("\u4e00" <= ch <= "\u9fff" for ch in words):
        assert words not in english.content.decode()
