"""`wenku import` as a user runs it: a real process, real workers, JSON on stdout."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.samples import hostile
from wenku.samples.office import make_docx, make_txt
from wenku.samples.pdf import make_pdf
from wenku.samples.text import chinese_paragraphs

from ..conversion.test_recovery import _database_url


def _import(*args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "WENKU_DATA_DIR": str(settings.DATA_DIR),
        "WENKU_WORKERS": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "wenku.cli", "import", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.office
@pytest.mark.django_db(transaction=True)
def test_import_wait_json(admin_user, tmp_docs):
    report = make_docx(
        tmp_docs / "some-chinese-report.docx",
        title="某市土地批复报告",
        paragraphs=chinese_paragraphs(12, seed=3),
        pages=6,
    )
    bad = hostile.make_random_bytes(tmp_docs / "broken.docx")
    proc = _import(str(report), str(bad), "--category", "资格与职业考试/其它", "--wait", "--json")
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 1, "one file was refused"
    by_file = {os.path.basename(r["file"]): r for r in rows}
    good = by_file["some-chinese-report.docx"]
    assert good["status"] == "ready" and good["pages"] == 6 and good["error"] == ""
    assert good["review"] == "auto", "the site's review is off: nothing holds it back"
    assert set(good) == {"file", "id", "status", "review", "pages", "error"}
    assert by_file["broken.docx"]["status"] == "rejected"
    assert by_file["broken.docx"]["review"] is None, "no document was made"
    assert "不是有效的 DOCX" in proc.stderr

    from wenku.library.models import Document

    document = Document.objects.get(number=good["id"])
    assert document.category.path == "资格与职业考试/其它"
    pages = list(document.pages.order_by("number"))
    assert len(pages) == 6 and all(p.image and p.text for p in pages)


@pytest.mark.office
@pytest.mark.django_db(transaction=True)
def test_import_says_a_converted_document_is_held_for_review(user, site_settings, tmp_docs):
    site_settings.review_mode = "everyone"
    site_settings.save()
    first = make_pdf(tmp_docs / "待审报告.pdf", title="待审的报告", pages=2)
    second = make_pdf(tmp_docs / "第二份.pdf", title="第二份报告", pages=3, seed=5)

    proc = _import(str(first), "--user", user.username, "--wait", "--json")
    assert proc.returncode == 0, proc.stderr
    (row,) = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert (row["status"], row["review"], row["pages"]) == ("ready", "pending", 2)

    proc = _import(str(second), "--user", user.username, "--wait")
    assert proc.returncode == 0, proc.stderr
    (line,) = [line for line in proc.stdout.splitlines() if "第二份.pdf" in line]
    assert line.split()[0] == "ready"
    assert "（3 页）" in line and "待审核，审核通过后公开" in line

    from wenku.library.models import Document

    held = list(Document.objects.filter(uploader=user))
    assert [(d.status, d.review) for d in held] == [("ready", "pending")] * 2
    assert not any(d.is_published for d in held)


@pytest.mark.django_db
def test_import_unknown_user_is_an_error(tmp_docs):
    from django.core.management import CommandError, call_command

    path = make_txt(tmp_docs / "a.txt", ["正文"])
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        call_command("import", str(path), "--user", "nobody")


@pytest.mark.django_db
def test_a_duplicate_of_a_held_document_says_it_is_held(user, tmp_docs, capsys):
    from django.core.management import call_command

    from wenku.library.models import Document

    path = make_txt(tmp_docs / "重复.txt", ["一段正文。"])
    call_command("import", str(path), "--user", user.username)
    Document.objects.update(status="ready", review="pending")  # converted, held by moderation
    capsys.readouterr()

    call_command("import", str(path), "--user", user.username, "--json")
    row = json.loads(capsys.readouterr().out)
    assert (row["status"], row["review"]) == ("duplicate", "pending")
    call_command("import", str(path), "--user", user.username)
    assert "待审核，审核通过后公开" in capsys.readouterr().out
