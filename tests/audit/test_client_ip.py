"""One client address behind the proxies (issue 10, item 4): the audit trail, the /track/ limit and the
sign-in lockout all read it from `audit.client_ip.client_ip`, which honours PROXY_COUNT."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from audit.client_ip import client_ip
from audit.models import AuditAction, AuditEntry
from tests.support import PASSWORD

PROXY = "127.0.0.1"  # the reverse proxy on the same machine: what REMOTE_ADDR says behind it


def request_from(remote: str = PROXY, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        # No proxy configured: the header is anyone's to send and is ignored.
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # One proxy: it appended the address it saw, the rightmost entry.
        (1, PROXY, "198.51.100.1", "198.51.100.1"),
        # A client that sends its own header cannot choose its address: its entries stand further left.
        (1, PROXY, "10.9.9.9, 198.51.100.1", "198.51.100.1"),
        # Two proxies (a load balancer, then nginx): the second entry from the right.
        (2, PROXY, "10.9.9.9, 198.51.100.1, 192.0.2.10", "198.51.100.1"),
        # Fewer entries than proxies: the request did not come through them; the peer is the client.
        (2, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        (1, "203.0.113.7", None, "203.0.113.7"),
        # Garbage where an address should be (a misconfigured chain) falls back to the peer.
        (1, PROXY, "not-an-address", PROXY),
        # IPv6 is kept as an address, in its canonical form.
        (1, PROXY, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_the_nearest_proxies_wrote(settings, proxies, remote, forwarded, expected):
    settings.PROXY_COUNT = proxies
    assert client_ip(request_from(remote, forwarded)) == expected


def test_audit_rows_record_the_client_behind_the_proxy(client, personas, settings):
    settings.PROXY_COUNT = 1
    client.post(
        "/accounts/login/",
        {"username": "clerk-luoding", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.ip_address == "198.51.100.23"


def test_the_track_limit_counts_each_client_not_the_proxy(client, db, settings):
    settings.PROXY_COUNT = 1
    wrong = {"number": "YF-2026-999999", "id_last6": "000000"}
    for _ in range(settings.LEGALAID_TRACK_FAILURES_PER_HOUR):
        client.post("/track/", wrong, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    blocked = client.post("/track/", wrong, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert "查询失败次数过多" in blocked.content.decode()
    # Another citizen behind the same proxy is not blocked by the first one's mistakes.
    other = client.post("/track/", wrong, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert "未查询到匹配的申请" in other.content.decode()


def test_the_sign_in_lockout_sees_the_client_behind_the_proxy(client, personas, settings):
    settings.PROXY_COUNT = 1
    client.post(
        "/accounts/login/",
        {"username": "clerk-luoding", "password": "wrong-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.42",
    )
    assert AccessAttempt.objects.get(username="clerk-luoding").ip_address == "198.51.100.42"
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.ip_address == "198.51.100.42"
