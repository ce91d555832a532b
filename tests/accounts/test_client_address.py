"""Per-address limits count the client's address: behind N trusted proxies, the N-th address
from the end of X-Forwarded-For (the one the outermost trusted proxy saw); never a value the
client wrote itself."""

import pytest
from django.test import RequestFactory

from wenku.accounts import services


@pytest.fixture
def hops(wenku_config):
    def set_hops(n: int) -> None:
        wenku_config(trusted_proxy_hops=n)

    return set_hops


def _request(forwarded: str | None, remote: str = "10.0.0.1"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(hops):
    hops(0)
    assert services.client_ip(_request("6.6.6.6")) == "10.0.0.1"


def test_one_proxy_the_address_it_appended_counts_not_what_the_client_wrote(hops):
    hops(1)
    assert services.client_ip(_request("6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert services.client_ip(_request("203.0.113.7")) == "203.0.113.7"


def test_two_proxies_the_address_the_outer_one_saw(hops):
    hops(2)
    assert services.client_ip(_request("6.6.6.6, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_fewer_hops_than_configured_falls_back_to_the_connection(hops):
    hops(2)
    assert services.client_ip(_request("203.0.113.7")) == "10.0.0.1"
    assert services.client_ip(_request(None)) == "10.0.0.1"
    assert services.client_ip(_request(" , ")) == "10.0.0.1"


def test_ipv6_clients_are_counted_by_their_64_network():
    assert services.address_key("2001:db8:1:2:aaaa::1") == services.address_key("2001:db8:1:2::9")
    assert services.address_key("2001:db8:1:3::1") != services.address_key("2001:db8:1:2::1")
    assert services.address_key("203.0.113.7") == "203.0.113.7"
