"""Two sign-ins of one account at the same moment, while its stored password hash needs
upgrading (a stronger work factor or a new hasher), on two real database connections: both
stay signed in. Django re-hashes the password on a right sign-in, each hash with its own salt,
and a session is tied to the hash its sign-in saw: the sign-in whose hash was overwritten used
to be signed out on its next request (seen in the 50-user load test)."""

import threading

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.models import User

PASSWORD = "correct-horse-battery"


@pytest.mark.django_db(transaction=True)
def test_two_sign_ins_at_once_while_the_hash_is_upgraded_both_stay_signed_in(
    screening_officer, monkeypatch
):
    # Stored with the second hasher of the settings: a right sign-in re-hashes it.
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=screening_officer.pk).update(password=old)
    # Both sign-ins have checked the old hash before either writes its upgrade.
    barrier = threading.Barrier(2)
    verify = PBKDF2PasswordHasher.verify

    def verify_then_wait(self, password, encoded):
        matched = verify(self, password, encoded)
        barrier.wait(timeout=20)
        return matched

    monkeypatch.setattr(PBKDF2PasswordHasher, "verify", verify_then_wait)
    clients = [Client(), Client()]
    signed_in: list = [None, None]

    def sign_in(i: int) -> None:
        try:
            response = clients[i].post(
                reverse("login"), {"username": "screener", "password": PASSWORD}
            )
            signed_in[i] = response.status_code == 302
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    monkeypatch.setattr(PBKDF2PasswordHasher, "verify", verify)

    assert signed_in == [True, True]
    stored = User.objects.get(pk=screening_officer.pk).password
    assert stored != old and stored.startswith("md5$")
    for client in clients:
        response = client.get(reverse("referrals:queue_new"))
        assert response.status_code == 200, response.get("Location")


def test_a_right_password_with_an_old_hash_is_upgraded_once(screening_officer):
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=screening_officer.pk).update(password=old)
    first, second = (User.objects.get(pk=screening_officer.pk) for _ in range(2))

    assert first.check_password(PASSWORD)
    assert second.check_password(PASSWORD)  # loaded before the first upgrade was written

    stored = User.objects.get(pk=screening_officer.pk).password
    assert stored.startswith("md5$") and first.password == second.password == stored
    assert not second.check_password("wrong password")
