"""The client's address: X-Forwarded-For only from a trusted proxy, read from the right."""

import pytest
from django.test import RequestFactory

from accounts.client_ip import client_ip


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["172.20.0.0/16", "10.1.1.1"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_a_spoofed_header_from_an_untrusted_address_is_ignored(behind_proxy):
    assert client_ip(_request("203.0.113.9", "172.20.0.5, 198.51.100.1")) == "203.0.113.9"


def test_a_trusted_proxy_gives_the_right_most_untrusted_address(behind_proxy):
    # The client claimed to be 1.2.3.4; the proxy appended the address it really saw.
    assert client_ip(_request("172.20.0.3", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_skipped(behind_proxy):
    assert client_ip(_request("10.1.1.1", "198.51.100.7, 172.20.0.9")) == "198.51.100.7"


def test_a_trusted_proxy_without_a_header_is_the_address(behind_proxy):
    assert client_ip(_request("172.20.0.3")) == "172.20.0.3"
    assert client_ip(_request("172.20.0.3", "garbage")) == "172.20.0.3"


def test_ports_and_ipv6_are_understood(behind_proxy):
    assert client_ip(_request("172.20.0.3", "198.51.100.7:5123")) == "198.51.100.7"
    assert client_ip(_request("172.20.0.3", "[2001:db8::7]:443")) == "2001:db8::7"
    assert client_ip(_request("::ffff:203.0.113.9")) == "203.0.113.9"
