"""Sign-in limits per address and per account, proxies trusted only when configured."""

import datetime as dt
import threading

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.lockout import account_failure_record
from accounts.models import AccountLockout

PASSWORD = "correct-horse-battery"


def _try(username: str, password: str = "wrong", *, address: str = "192.0.2.1", **extra):
    client = Client(REMOTE_ADDR=address, **extra)
    return client.post(reverse("login"), {"username": username, "password": password})


def test_one_address_spraying_many_usernames_is_locked(screening_officer, settings):
    for n in range(settings.LOCKOUT_IP_FAILURES - 1):
        assert _try(f"guess{n}").status_code == 200
    assert _try("one-guess-too-many").status_code == 429
    # The address is locked: even the right password for a real account is refused there...
    refused = _try("screener", PASSWORD)
    assert refused.status_code == 429
    # ...and nowhere else.
    assert _try("screener", PASSWORD, address="192.0.2.2").status_code == 302


def test_one_account_attacked_from_many_addresses_is_locked(screening_officer, settings):
    for n in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        _try("screener", address=f"198.51.100.{n + 1}")
    assert _try("screener", PASSWORD, address="203.0.113.50").status_code == 429
    # Someone else signs in from the same addresses as before.
    assert _try("screener", PASSWORD, address="198.51.100.1").status_code == 429
    assert AccessAttempt.objects.filter(ip_address="198.51.100.1").count() == 1


def test_an_account_lock_is_short(screening_officer, settings):
    start = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(settings.LOCKOUT_ACCOUNT_FAILURES):
            _try("screener", address=f"198.51.100.{n + 1}")
        traveller.shift(dt.timedelta(minutes=settings.LOCKOUT_ACCOUNT_MINUTES - 1))
        assert _try("screener", PASSWORD, address="203.0.113.50").status_code == 429
        traveller.shift(dt.timedelta(minutes=1, seconds=1))
        assert _try("screener", PASSWORD, address="203.0.113.50").status_code == 302


def test_failures_while_locked_do_not_extend_the_lock(db, settings):
    start = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(settings.LOCKOUT_ACCOUNT_FAILURES):
            _try("someone", address=f"198.51.100.{n + 1}")
        until = AccountLockout.objects.get(username="someone").locked_until
        traveller.shift(dt.timedelta(minutes=5))
        _try("someone", address="198.51.100.99")
        assert AccountLockout.objects.get(username="someone").locked_until == until


def test_a_lockout_never_says_whether_the_account_exists(screening_officer, settings):
    pages = {}
    for username in ("screener", "nobody-by-this-name"):
        for n in range(settings.LOCKOUT_ACCOUNT_FAILURES):
            _try(username, address=f"198.51.100.{n + 1}")
        pages[username] = _try(username, address="203.0.113.60")
    real, unknown = pages["screener"], pages["nobody-by-this-name"]
    assert real.status_code == unknown.status_code == 429
    assert real.content == unknown.content
    assert "nobody-by-this-name" not in unknown.content.decode()


def test_usernames_are_counted_whatever_their_case(db, settings):
    for n in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        _try("Screener" if n % 2 else " SCREENER ", address=f"198.51.100.{n + 1}")
    assert AccountLockout.objects.get(username="screener").locked_until is not None


def test_a_success_clears_the_accounts_failures_but_not_the_addresses(screening_officer, settings):
    for _ in range(3):
        _try("screener", address="192.0.2.7")
    assert _try("screener", PASSWORD, address="192.0.2.7").status_code == 302
    assert not AccountLockout.objects.filter(username="screener").exists()
    assert AccessAttempt.objects.get(ip_address="192.0.2.7").failures_since_start == 3


def test_a_trusted_proxys_forwarded_address_is_what_is_limited(screening_officer, settings):
    settings.TRUSTED_PROXIES = ["172.20.0.0/16"]
    for n in range(settings.LOCKOUT_IP_FAILURES):
        _try(f"guess{n}", address="172.20.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    locked = _try("screener", PASSWORD, address="172.20.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert locked.status_code == 429
    # Everyone else behind the same proxy still signs in.
    ok = _try("screener", PASSWORD, address="172.20.0.2", HTTP_X_FORWARDED_FOR="198.51.100.67")
    assert ok.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


def test_a_spoofed_forwarded_header_from_an_untrusted_address_is_ignored(
    screening_officer, settings
):
    settings.TRUSTED_PROXIES = ["172.20.0.0/16"]
    for n in range(settings.LOCKOUT_IP_FAILURES):
        # A different made-up address each time: it must not dodge the limit.
        _try(f"guess{n}", address="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert _try("screener", PASSWORD, address="203.0.113.9").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_for_one_account_are_each_counted(settings):
    settings.LOCKOUT_ACCOUNT_FAILURES = 1000
    threads, errors = 8, []
    barrier = threading.Barrier(threads)

    def fail():
        try:
            barrier.wait()
            for _ in range(5):
                account_failure_record(username="target")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=fail) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert AccountLockout.objects.get(username="target").failures == threads * 5
