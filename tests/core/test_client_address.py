"""The client's address: one rule for the sign-in lockout and the password-reset limits, right for 0, 1
and 2 proxies, with no header, a forged one or a rotating one."""

import pytest
from django.test import RequestFactory

from core.client_address import UNKNOWN, client_address

PROXY = "10.0.0.9"  # the proxy nearest the app: REMOTE_ADDR when there is one
CLIENT = "203.0.113.5"


def request(forwarded=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy: the peer, whatever the client writes in the header.
        (0, None, PROXY),
        (0, "198.51.100.1", PROXY),
        (0, "198.51.100.1, 198.51.100.2", PROXY),
        # One proxy appends the client's address: the right-most entry.
        (1, CLIENT, CLIENT),
        (1, f"198.51.100.1, {CLIENT}", CLIENT),
        (1, f"garbage, 198.51.100.1, {CLIENT}", CLIENT),
        (1, None, PROXY),
        (1, "", PROXY),
        (1, "unknown", PROXY),
        # Two proxies: the outer one appended the client, the inner one the outer proxy.
        (2, f"{CLIENT}, 10.0.0.1", CLIENT),
        (2, f"198.51.100.1, {CLIENT}, 10.0.0.1", CLIENT),
        (2, "10.0.0.1", "10.0.0.1"),  # only the inner proxy wrote: the best address there is
        (2, None, PROXY),
        # Ports and brackets as some proxies write them.
        (1, f"{CLIENT}:51234", CLIENT),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_takes_the_entry_the_nearest_trusted_proxy_wrote(proxies, forwarded, expected):
    assert client_address(request(forwarded), proxy_count=proxies) == expected


@pytest.mark.parametrize("proxies", [1, 2])
def test_a_client_rotating_the_header_keeps_one_address(proxies):
    trusted = ", 10.0.0.1" if proxies == 2 else ""
    seen = {client_address(request(f"198.51.100.{n}, {CLIENT}{trusted}"), proxy_count=proxies) for n in range(20)}
    assert seen == {CLIENT}


def test_it_never_fails_when_nothing_gives_an_address():
    assert client_address(request(None, remote=""), proxy_count=1) == UNKNOWN
    assert client_address(request("nonsense", remote=""), proxy_count=0) == UNKNOWN


def test_the_proxy_count_comes_from_settings(settings):
    settings.CLIENT_ADDRESS_PROXY_COUNT = 1
    assert client_address(request(f"198.51.100.1, {CLIENT}")) == CLIENT
    settings.CLIENT_ADDRESS_PROXY_COUNT = 0
    assert client_address(request(f"198.51.100.1, {CLIENT}")) == PROXY


def test_the_lockout_and_the_reset_limits_ask_this_one_function(settings):
    from axes.helpers import get_client_ip_address
    from django_ratelimit.core import _get_ip

    settings.CLIENT_ADDRESS_PROXY_COUNT = 1
    forwarded = request(f"198.51.100.1, {CLIENT}")
    assert get_client_ip_address(forwarded) == _get_ip(forwarded) == CLIENT
