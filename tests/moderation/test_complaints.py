"""Copyright complaints (版权投诉): notice → takedown → counter-notice → restore or uphold, each
step audited and told to the right people; repeat infringers lose the right to upload; proof
files are checked by their bytes and reach only those who may see them."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import published_document
from wenku.accounts.bans import Punishment
from wenku.conversion.ingest import IngestError, ingest
from wenku.library.models import Document
from wenku.library.signals import document_published
from wenku.moderation import complaints
from wenku.moderation.models import Complaint
from wenku.moderation.services import ModerationError
from wenku.notices.models import Notice
from wenku.search.index import search
from wenku.search.query import parse
from wenku.site.models import AuditLog, SiteSettings

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def proof(name: str = "proof.pdf", body: bytes = PDF, kind: str = "application/pdf"):
    return SimpleUploadedFile(name, body, content_type=kind)


def form(**changes) -> dict:
    data = {
        "rights_holder": "某某出版社",
        "contact": "电话 010-12345678，邮箱 rights@example.com，北京市某某路 1 号",
        "work": "《钼靶材制备工艺》，张三著，2020 年出版",
        "urls": "http://testserver/doc/1/",
        "statement": "on",
    }
    data.update(changes)
    return data


def proofs(**changes) -> dict:
    files = {"identity_proof": proof("id.png", png(), "image/png"), "rights_proof": proof()}
    files.update(changes)
    return files


@pytest.fixture
def document(user):
    doc = published_document(uploader=user, title="钼靶材制备工艺全文", pages=2)
    document_published.send(sender=Document, document=doc)
    return doc


@pytest.fixture
def filed(reader, document):
    return complaints.file(reader, document, form(), proofs())


def found(query: str) -> set[int]:
    return {hit.document.pk for hit in search(parse(query), per_page=100).hits}


def notices_of(user) -> list[str]:
    return list(Notice.objects.filter(user=user, kind="complaint").values_list("text", flat=True))


def actions() -> list[str]:
    return list(AuditLog.objects.order_by("pk").values_list("action", flat=True))


def test_filing_stores_the_notice_and_tells_nobody_yet(reader, user, filed, document):
    assert filed.status == "open" and filed.complainant == reader and filed.uploader == user
    assert filed.document == document and filed.document_title == "钼靶材制备工艺全文"
    assert "法律责任" in filed.statement
    assert filed.identity_proof.name.startswith("complaints/")
    assert filed.identity_proof.name.endswith("/identity.png")
    assert filed.rights_proof.name.endswith("/rights.pdf")
    # Each file in its own random folder, never under the client's name.
    assert filed.identity_proof.name.split("/")[1] != filed.rights_proof.name.split("/")[1]
    assert default_storage.exists(filed.rights_proof.name)
    assert not Notice.objects.filter(kind="complaint").exists()
    assert actions() == ["complaint:file"]
    assert Document.objects.public().filter(pk=document.pk).exists(), "nothing happens yet"


def test_take_down_counter_restore(reader, user, admin_user, filed, document):
    assert found("钼靶材") == {document.pk}

    complaints.take_down(filed, admin_user, "权属证明充分")
    document.refresh_from_db()
    assert document.review == "hidden" and "权属证明充分" in document.review_note
    assert not Document.objects.public().filter(pk=document.pk).exists()
    assert found("钼靶材") == set(), "out of search"
    told = Notice.objects.get(user=user, kind="complaint")
    assert "权属证明充分" in told.text and told.url == f"/complaints/{filed.pk}/counter/"
    assert "已受理" in notices_of(reader)[0]

    complaints.counter(filed, user, "该文档为本人原创，附首发证明。", proof())
    filed.refresh_from_db()
    assert filed.status == "countered" and filed.countered_at is not None
    assert filed.counter_proof.name.endswith("/counter.pdf")
    assert any("反通知" in text and "本人原创" in text for text in notices_of(reader))

    complaints.restore(filed, admin_user, "反通知证据充分")
    filed.refresh_from_db()
    document.refresh_from_db()
    assert filed.status == "restored" and filed.closed_at is not None
    assert document.review == "approved"
    assert Document.objects.public().filter(pk=document.pk).exists()
    assert found("钼靶材") == {document.pk}, "back in search"
    assert any("已恢复" in text for text in notices_of(user))
    assert any("已恢复" in text for text in notices_of(reader))
    assert actions() == [
        "complaint:file",
        "complaint:take_down",
        "complaint:counter",
        "complaint:restore",
    ]


def test_take_down_counter_uphold_keeps_it_down(reader, user, admin_user, filed, document):
    complaints.take_down(filed, admin_user, "")
    complaints.counter(filed, user, "我有授权。", proof("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64))
    complaints.uphold(filed, admin_user, "授权书系伪造")
    filed.refresh_from_db()
    document.refresh_from_db()
    assert filed.status == "upheld" and filed.handled_by == admin_user
    assert document.review == "hidden"
    assert not Document.objects.public().filter(pk=document.pk).exists()
    assert found("钼靶材") == set()
    assert any("投诉成立" in t and "授权书系伪造" in t for t in notices_of(user))
    assert any("投诉成立" in t for t in notices_of(reader))
    assert actions()[-1] == "complaint:uphold"
    assert not Punishment.objects.exists(), "one upheld complaint is below the default of 3"


def test_reject_tells_the_complainant_and_leaves_the_document(reader, user, admin_user, filed):
    with pytest.raises(ModerationError) as refused:
        complaints.reject(filed, admin_user, "  ")
    assert refused.value.status == 400
    complaints.reject(filed, admin_user, "权属证明不足")
    filed.refresh_from_db()
    assert filed.status == "rejected"
    assert notices_of(reader) == ["您对《钼靶材制备工艺全文》的版权投诉未被采纳：权属证明不足"]
    assert notices_of(user) == []
    assert Document.objects.public().filter(pk=filed.document_id).exists()
    assert actions()[-1] == "complaint:reject"


def test_decisions_only_from_their_states(admin_user, user, filed):
    for step in (complaints.restore, complaints.uphold):
        with pytest.raises(ModerationError) as refused:
            step(filed, admin_user, "")
        assert refused.value.status == 409 and "待处理" in refused.value.message
    complaints.take_down(filed, admin_user, "")
    with pytest.raises(ModerationError) as refused:
        complaints.take_down(filed, admin_user, "")
    assert refused.value.status == 409
    with pytest.raises(ModerationError):
        complaints.reject(filed, admin_user, "晚了")
    with pytest.raises(ModerationError) as refused:
        complaints.decide(filed, "delete-everything", admin_user)
    assert refused.value.status == 400


def test_only_the_uploader_may_counter_and_only_when_taken_down(
    reader, user, admin_user, filed, django_user_model
):
    with pytest.raises(ModerationError) as refused:
        complaints.counter(filed, user, "原创", proof())
    assert refused.value.status == 409 and "已被下架" in refused.value.message
    complaints.take_down(filed, admin_user, "")
    stranger = django_user_model.objects.create_user("stranger", password="pw-123456-abc")
    for who in (reader, stranger, admin_user):
        with pytest.raises(ModerationError) as refused:
            complaints.counter(filed, who, "原创", proof())
        assert refused.value.status == 403 and "上传者" in refused.value.message
    with pytest.raises(ModerationError) as refused:
        complaints.counter(filed, user, "  ", proof())
    assert refused.value.status == 400
    with pytest.raises(ModerationError) as refused:
        complaints.counter(filed, user, "原创", proof("x.pdf", b"<html>not a pdf</html>"))
    assert refused.value.status == 400
    filed.refresh_from_db()
    assert filed.status == "taken_down" and not filed.counter_proof


def test_one_open_complaint_per_complainant_and_document(reader, admin_user, filed, document):
    with pytest.raises(ModerationError) as refused:
        complaints.file(reader, document, form(), proofs())
    assert refused.value.status == 409 and "请勿重复提交" in refused.value.message
    complaints.reject(filed, admin_user, "证据不足")
    again = complaints.file(reader, document, form(), proofs())  # a new notice after a decision
    assert again.status == "open" and Complaint.objects.count() == 2


def test_the_uploader_cannot_complain_about_their_own_document(user, document):
    with pytest.raises(ModerationError) as refused:
        complaints.file(user, document, form(), proofs())
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"rights_holder": " "}, "权利人名称"),
        ({"contact": ""}, "联系方式"),
        ({"work": ""}, "被侵权作品"),
        ({"urls": ""}, "网址"),
        ({"urls": "javascript:alert(1)"}, "网址无效"),
        ({"statement": ""}, "真实性声明"),
    ],
)
def test_every_required_field(reader, document, changes, words):
    with pytest.raises(ModerationError) as refused:
        complaints.file(reader, document, form(**changes), proofs())
    assert refused.value.status == 400 and words in refused.value.message
    assert not Complaint.objects.exists()


def test_a_proof_is_told_by_its_bytes_not_its_name(reader, document):
    html_named_pdf = proof("证明.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    with pytest.raises(ModerationError) as refused:
        complaints.file(reader, document, form(), proofs(rights_proof=html_named_pdf))
    assert refused.value.status == 400 and "权属证明" in refused.value.message
    assert "PDF" in refused.value.message
    with pytest.raises(ModerationError) as refused:
        complaints.file(reader, document, form(), proofs(identity_proof=None))
    assert refused.value.status == 400 and "身份证明" in refused.value.message
    # A PNG named .pdf is a PNG: accepted, kept and served as one.
    made = complaints.file(
        reader, document, form(), proofs(rights_proof=proof("r.pdf", png(), "application/pdf"))
    )
    assert made.rights_proof.name.endswith("/rights.png")


def test_a_proof_over_10_mb_is_refused(reader, document):
    big = proof("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ModerationError) as refused:
        complaints.file(reader, document, form(), proofs(rights_proof=big))
    assert refused.value.status == 413 and "10 MB" in refused.value.message
    assert not Complaint.objects.exists()


def test_upheld_complaints_ban_the_uploader_from_uploading(
    reader, user, admin_user, tmp_path, django_user_model
):
    SiteSettings.objects.update_or_create(pk=1, defaults={"complaints_before_upload_ban": 2})
    SiteSettings.forget()
    made = []
    for n in range(2):
        doc = published_document(uploader=user, title=f"侵权文档{n}")
        complaint = complaints.file(reader, doc, form(), proofs())
        complaints.take_down(complaint, admin_user, "")
        assert not Punishment.objects.filter(user=user).exists()
        complaints.uphold(complaint, admin_user, "确属侵权")
        made.append(complaint)
    ban = Punishment.objects.get(user=user)
    assert ban.kind == "upload" and ban.ends_at is None and ban.created_by == admin_user
    assert f"#{made[0].pk}" in ban.reason and f"#{made[1].pk}" in ban.reason
    assert "punish:upload" in actions()
    assert any("永久禁止上传" in t for t in notices_of(user))

    text = tmp_path / "新文档.txt"
    text.write_text("正文", encoding="utf-8")
    with pytest.raises(IngestError) as refused:
        ingest(text, "新文档.txt", user)
    assert refused.value.code == "banned" and refused.value.status == 403
    assert "禁止上传" in refused.value.message and "版权投诉成立 2 次" in refused.value.message


def test_no_ban_when_the_setting_is_zero(reader, user, admin_user):
    SiteSettings.objects.update_or_create(pk=1, defaults={"complaints_before_upload_ban": 0})
    SiteSettings.forget()
    doc = published_document(uploader=user, title="文档")
    complaint = complaints.file(reader, doc, form(), proofs())
    complaints.take_down(complaint, admin_user, "")
    complaints.uphold(complaint, admin_user, "")
    assert not Punishment.objects.exists()


def test_restore_keeps_a_document_down_that_another_complaint_holds(
    reader, user, admin_user, document, django_user_model
):
    other = django_user_model.objects.create_user("holder2", password="pw-123456-abc")
    first = complaints.file(reader, document, form(), proofs())
    second = complaints.file(other, document, form(rights_holder="另一权利人"), proofs())
    complaints.take_down(first, admin_user, "")
    complaints.take_down(second, admin_user, "")
    complaints.counter(first, user, "原创", proof())
    complaints.restore(first, admin_user, "")
    document.refresh_from_db()
    assert document.review == "hidden", "the second complaint still keeps it down"
    assert any("仍因其他投诉" in t for t in notices_of(user))


def test_who_sees_a_complaint_and_its_files(reader, user, admin_user, filed, django_user_model):
    stranger = django_user_model.objects.create_user("stranger", password="pw-123456-abc")
    assert complaints.complaint_for(reader, filed.pk) == filed
    assert complaints.complaint_for(user, filed.pk) == filed
    assert complaints.complaint_for(admin_user, filed.pk) == filed
    assert complaints.complaint_for(stranger, filed.pk) is None
    assert complaints.files_for(filed, reader) == ["identity", "rights"]
    assert complaints.files_for(filed, user) == []
    assert complaints.files_for(filed, stranger) == []
    complaints.take_down(filed, admin_user, "")
    complaints.counter(filed, user, "原创", proof())
    filed.refresh_from_db()
    assert complaints.files_for(filed, user) == ["counter"]
    assert complaints.files_for(filed, admin_user) == ["identity", "rights", "counter"]
    assert complaints.files_for(filed, reader) == ["identity", "rights", "counter"]
    assert [c.pk for c in complaints.mine(user)] == [filed.pk]
    assert [c.pk for c in complaints.mine(stranger)] == []
