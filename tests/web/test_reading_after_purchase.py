"""A buyer (and the uploader and staff) reads every page online; everyone else sees the preview.
Images of pages past the preview are made on the first request of someone who may see them,
and served to nobody else."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from tests.factories import give_points
from wenku.conversion import runner
from wenku.conversion.ingest import Metadata, ingest
from wenku.library import downloads
from wenku.library.models import Page
from wenku.samples.pdf import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(user, tmp_docs, django_capture_on_commit_callbacks):
    """A real 6-page PDF for 4 points, previewing 2 pages, converted by the real runner."""
    path = make_pdf(tmp_docs / "付费.pdf", title="付费全文", pages=6)
    document = ingest(path, "付费.pdf", user, Metadata(price=4, preview_limit=2))
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_conversion(document.pk)
    document.refresh_from_db()
    assert (document.status, document.page_count, document.preview_page_count) == ("ready", 6, 2)
    return document


def _image(client, document, n):
    return client.get(f"/doc/{document.number}/page/{n}.webp")


def _buy(reader, document):
    give_points(reader, 10)
    downloads.download(reader, document)


def test_past_the_preview_there_is_no_image_for_anyone_who_has_not_bought(client, reader, paid):
    assert not Page.objects.get(document=paid, number=3).image, "not rendered at conversion"
    assert _image(client, paid, 3).status_code == 404  # anonymous
    client.force_login(reader)
    assert _image(client, paid, 3).status_code == 404
    assert client.get(f"/doc/{paid.number}/read/?page=3").context["current"] == 2
    assert not Page.objects.get(document=paid, number=3).image, "a refusal renders nothing"


def test_a_buyer_reads_every_page_and_the_images_are_made_once(client, reader, paid):
    _buy(reader, paid)
    client.force_login(reader)
    before = set(default_storage.listdir(f"pages/{paid.pk}")[1])
    response = _image(client, paid, 5)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    body = b"".join(response.streaming_content)
    assert body[8:12] == b"WEBP"
    assert response["Cache-Control"] == "private, max-age=3600", "never a shared cache"
    page = Page.objects.get(document=paid, number=5)
    assert page.image and page.image_width > 0 and default_storage.exists(page.image.name)
    again = _image(client, paid, 5)
    assert b"".join(again.streaming_content) == body
    assert Page.objects.get(document=paid, number=5).image.name == page.image.name
    made = set(default_storage.listdir(f"pages/{paid.pk}")[1]) - before
    assert made == {page.image.name.rsplit("/", 1)[1]}, "one image, stored once"
    # Another reader, who has not bought it, gets nothing, not even the image just made.
    client.logout()
    assert _image(client, paid, 5).status_code == 404


def test_the_reader_and_the_page_say_the_buyer_reads_everything(client, reader, paid):
    _buy(reader, paid)
    client.force_login(reader)
    reading = client.get(f"/doc/{paid.number}/read/?page=6")
    assert reading.context["current"] == 6 and reading.context["viewable"] == 6
    html = reading.content.decode()
    assert "已购买，可阅读全文" in html and f"/doc/{paid.number}/page/6.webp" in html
    page = client.get(paid.get_absolute_url()).content.decode()
    assert "已购买，可阅读全文" in page and "从第3页继续阅读" in page
    assert "下载后可阅读全文" not in page


@pytest.mark.parametrize("who", ["uploader", "staff"])
def test_the_uploader_and_staff_read_every_page(client, user, admin_user, paid, who):
    client.force_login(user if who == "uploader" else admin_user)
    assert _image(client, paid, 6).status_code == 200
    assert client.get(f"/doc/{paid.number}/read/?page=6").context["current"] == 6


def test_an_anonymous_visitor_reads_the_preview_and_is_told_how_to_read_the_rest(client, paid):
    reading = client.get(f"/doc/{paid.number}/read/?page=6")
    assert reading.context["current"] == 2 and reading.context["viewable"] == 2
    assert "已购买" not in reading.content.decode()
    assert "下载后可阅读全文" in client.get(paid.get_absolute_url()).content.decode()


def test_an_image_made_for_a_buyer_never_shows_on_the_page_of_anyone_else(client, reader, paid):
    _buy(reader, paid)
    client.force_login(reader)
    assert _image(client, paid, 3).status_code == 200
    client.logout()
    html = client.get(paid.get_absolute_url()).content.decode()
    assert f"/doc/{paid.number}/page/2.webp" in html
    assert f"/doc/{paid.number}/page/3.webp" not in html


def test_a_pdf_gone_from_storage_is_a_missing_page_not_a_server_error(client, reader, paid):
    _buy(reader, paid)
    default_storage.delete(paid.pdf.name)
    client.force_login(reader)
    assert _image(client, paid, 4).status_code == 404
    assert _image(client, paid, 1).status_code == 200, "stored preview images still show"
