"""Names shown to others are masked like the seed page's "la****1"."""

import pytest

from wenku.accounts.models import mask_name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("lazy2021", "la****1"),
        ("lala1", "la****1"),
        ("王小明同学", "王小****学"),
        ("abcd", "ab****d"),
        ("abc", "a****c"),
        ("ab", "a****"),
        ("a", "a****"),
    ],
)
def test_names_keep_two_first_and_last_character(name, shown):
    assert mask_name(name) == shown


def test_a_masked_name_never_reveals_a_short_name_whole():
    for name in ["a", "ab", "abc"]:
        assert mask_name(name) != name and "****" in mask_name(name)


@pytest.mark.django_db
def test_document_page_masks_the_uploader_for_others_but_not_for_them(client, make_document, user):
    document = make_document(title="公开文档")
    page = client.get(document.get_absolute_url()).content.decode()
    assert "up****1" in page and "uploader1" not in page
    client.force_login(user)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "uploader1" in page
