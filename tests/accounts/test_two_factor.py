"""Two-factor sign-in: set-up, the code step, backup codes, the gate, resets (accounts.two_factor)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Notification, SecurityEvent, SecurityEventKind
from accounts.roles import Role
from tests.factories import UserFactory
from tests.two_factor_helpers import code_for_secret, enrol, next_code

PASSWORD = "correct-horse-battery"
# Every wrong code may be followed at once by another (the device's back-off is tested apart).
NO_BACKOFF = override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)


def sign_in(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_first_sign_in_sets_up_an_app_then_shows_ten_backup_codes_once(client, screening_officer):
    sign_in(client, "screener")
    response = client.get(reverse("referrals:queue_new"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_enrol"))

    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR code' in body
    assert " style=" not in body and "data:image" not in body and "<script>" not in body
    secret = client.session[two_factor.PENDING_SECRET]
    assert two_factor.secret_for_typing(secret) in body
    assert not TOTPDevice.objects.filter(user=screening_officer).exists()  # GET writes nothing

    done = client.post(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"],
                       {"code": code_for_secret(secret)})  # fmt: skip
    assert done.status_code == 302 and done.url.startswith(reverse("two_factor_backup_codes"))
    codes_page = client.get(done.url).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=screening_officer).values_list("token", flat=True)
    )
    assert "I have saved my backup codes" in codes_page
    assert reverse("referrals:queue_new") in codes_page  # then on to the page first asked for
    # Shown once only.
    again = client.get(reverse("two_factor_backup_codes")).content.decode()
    assert not re.findall(r"<li>([a-z2-7]{8})</li>", again) and "10 backup codes left" in again
    assert client.get(reverse("referrals:queue_new")).status_code == 200
    assert SecurityEvent.objects.filter(
        user=screening_officer, kind=SecurityEventKind.TWO_FACTOR_ENROLLED
    ).exists()


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_wrong_code_at_set_up_keeps_the_secret_and_sets_nothing_up(client, screening_officer):
    sign_in(client, "screener")
    client.get(reverse("two_factor_enrol"))
    secret = client.session[two_factor.PENDING_SECRET]
    wrong = f"{(int(code_for_secret(secret)) + 1) % 1000000:06d}"
    response = client.post(reverse("two_factor_enrol"), {"code": wrong})
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert f'value="{wrong}"' in body  # nothing typed is lost
    assert client.session[two_factor.PENDING_SECRET] == secret
    assert not TOTPDevice.objects.filter(user=screening_officer).exists()


def test_a_user_with_an_app_is_asked_for_a_code_after_the_password(client, screening_officer):
    device, _ = enrol(screening_officer)
    sign_in(client, "screener")
    response = client.get(reverse("referrals:queue_new"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    assert "Enter your two-factor code" in client.get(response.url).content.decode()

    done = client.post(response.url, {"code": next_code(device)})
    assert done.status_code == 302 and done.url == reverse("referrals:queue_new")
    assert client.get(reverse("referrals:queue_new")).status_code == 200


@NO_BACKOFF
def test_a_wrong_code_is_refused_and_recorded(client, screening_officer):
    device, _ = enrol(screening_officer)
    sign_in(client, "screener")
    wrong = f"{(int(next_code(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get(reverse("work_tray")).status_code == 302
    assert (
        SecurityEvent.objects.filter(
            user=screening_officer, kind=SecurityEventKind.TWO_FACTOR_WRONG_CODE
        ).count()
        == 1
    )


@NO_BACKOFF
def test_five_wrong_codes_lock_the_code_step_until_the_user_signs_in_again(
    client, screening_officer, settings
):
    device, _ = enrol(screening_officer)
    sign_in(client, "screener")
    for _ in range(settings.TWO_FACTOR_MAX_WRONG_CODES):
        client.post(reverse("two_factor_verify"), {"code": "000000x"})
    response = client.post(reverse("two_factor_verify"), {"code": next_code(device)})
    body = response.content.decode()
    assert "too many wrong codes" in body and 'name="code"' not in body
    assert client.get(reverse("work_tray")).status_code == 302
    assert SecurityEvent.objects.filter(
        user=screening_officer, kind=SecurityEventKind.TWO_FACTOR_LOCKED
    ).exists()
    # A new sign-in is a new chance.
    client.post(reverse("logout"))
    sign_in(client, "screener")
    assert client.post(reverse("two_factor_verify"), {"code": next_code(device)}).status_code == 302
    assert client.get(reverse("work_tray")).status_code == 200


def test_the_device_makes_the_user_wait_after_a_wrong_code(client, screening_officer):
    device, _ = enrol(screening_officer)
    sign_in(client, "screener")
    client.post(
        reverse("two_factor_verify"),
        {"code": "999999" if next_code(device) != "999999" else "111111"},
    )
    response = client.post(reverse("two_factor_verify"), {"code": next_code(device)})
    assert "Wait a few seconds" in response.content.decode()
    assert client.get(reverse("work_tray")).status_code == 302


@NO_BACKOFF
def test_a_backup_code_signs_in_once_only(client, screening_officer):
    _, codes = enrol(screening_officer)
    sign_in(client, "screener")
    response = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("work_tray")).status_code == 200
    assert StaticToken.objects.filter(device__user=screening_officer).count() == 9
    assert (
        SecurityEvent.objects.get(
            user=screening_officer, kind=SecurityEventKind.BACKUP_CODE_USED
        ).reason
        == "9 backup codes left"
    )

    client.post(reverse("logout"))
    sign_in(client, "screener")
    again = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert again.status_code == 200 and "The code is not right" in again.content.decode()
    assert client.post(reverse("two_factor_verify"), {"code": codes[1]}).status_code == 302


def test_new_backup_codes_replace_the_old_ones(client, screening_officer):
    device, old = enrol(screening_officer)
    client.force_login(screening_officer)
    client.post(reverse("two_factor_verify"), {"code": next_code(device)})
    response = client.post(reverse("two_factor_backup_codes_regenerate"))
    page = client.get(response.url).content.decode()
    new = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=screening_officer).values_list("token", flat=True)) == set(new)  # fmt: skip
    assert SecurityEvent.objects.filter(
        user=screening_officer, kind=SecurityEventKind.BACKUP_CODES_REGENERATED
    ).exists()
    with pytest.raises(PermissionDenied):
        two_factor.backup_codes_regenerate(user=screening_officer, by=UserFactory())


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_until_verified_a_user_reaches_only_the_two_factor_pages_and_sign_out(
    client, screening_officer
):
    device, _ = enrol(screening_officer)
    client.force_login(screening_officer)
    for name in ("referrals:queue_new", "work_tray", "account_security", "password_change", "two_factor_enrol"):  # fmt: skip
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("two_factor_verify")), name
    assert client.get(reverse("two_factor_verify")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.get(reverse("password_reset")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_when_required_a_user_without_an_app_is_sent_to_set_one_up(client, screening_officer):
    client.force_login(screening_officer)
    response = client.get(reverse("work_tray"))
    assert response.url.startswith(reverse("two_factor_enrol"))
    assert client.get(reverse("two_factor_verify")).url.startswith(reverse("two_factor_enrol"))


def test_when_not_required_a_user_without_an_app_signs_in_with_a_password(
    client, screening_officer
):
    sign_in(client, "screener")
    assert client.get(reverse("work_tray")).status_code == 200
    # and may still set one up
    assert client.get(reverse("two_factor_enrol")).status_code == 200


@pytest.mark.parametrize("required", [True, False])
def test_the_sign_in_page_says_when_two_factor_is_off(client, db, settings, required):
    settings.TWO_FACTOR_REQUIRED = required
    body = client.get(reverse("login")).content.decode()
    assert ("Two-factor sign-in is off" in body) is not required


def test_verification_survives_a_password_change_and_its_session_key_rotation(
    client, screening_officer
):
    device, _ = enrol(screening_officer)
    sign_in(client, "screener")
    client.post(reverse("two_factor_verify"), {"code": next_code(device)})
    key = client.session.session_key
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "violet-kettle-orbit-lantern",
            "new_password2": "violet-kettle-orbit-lantern",
        },
    )
    assert response.status_code == 302
    assert client.session.session_key != key
    assert client.get(reverse("work_tray")).status_code == 200


# Resets ---------------------------------------------------------------------------------------


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin1", roles=[Role.ADMINISTRATOR])


def test_a_team_manager_resets_a_lost_device_for_their_team_with_a_recorded_reason(
    client, team_manager, social_worker
):
    device, _ = enrol(social_worker)
    client.force_login(team_manager)
    url = reverse("two_factor_reset", args=[social_worker.pk])
    reason = "Phone lost on a home visit; asked in person"
    first = client.post(url, {"reason": reason})
    assert first.status_code == 200
    assert "Are you sure" in first.content.decode()
    assert TOTPDevice.objects.filter(user=social_worker).exists()  # not yet

    done = client.post(url, {"reason": reason, "confirm": "yes"})
    assert done.status_code == 302 and done.url == reverse("two_factor_users")
    assert not TOTPDevice.objects.filter(user=social_worker).exists()
    assert not StaticDevice.objects.filter(user=social_worker).exists()
    event = SecurityEvent.objects.get(user=social_worker, kind=SecurityEventKind.TWO_FACTOR_RESET)
    assert event.by == team_manager and event.reason == reason
    row = event.history.get()
    assert row.history_user == team_manager and row.history_change_reason == reason
    assert Notification.objects.filter(user=social_worker, title__contains="reset").exists()
    assert reason in client.get(url).content.decode()  # shown with earlier resets


def test_after_a_reset_the_user_sets_up_a_new_app_at_next_sign_in(
    client, team_manager, social_worker, settings
):
    enrol(social_worker)
    two_factor.two_factor_reset(user=social_worker, by=team_manager, reason="New phone issued")
    settings.TWO_FACTOR_REQUIRED = True
    sign_in(client, "socialworker")
    assert client.get(reverse("work_tray")).url.startswith(reverse("two_factor_enrol"))


def test_a_reset_ends_the_verification_of_the_users_open_sessions(
    client, team_manager, social_worker
):
    device, _ = enrol(social_worker)
    client.force_login(social_worker)
    client.post(reverse("two_factor_verify"), {"code": next_code(device)})
    assert client.get(reverse("work_tray")).status_code == 200
    two_factor.two_factor_reset(user=social_worker, by=team_manager, reason="Phone stolen today")
    with override_settings(TWO_FACTOR_REQUIRED=True):
        assert client.get(reverse("work_tray")).url.startswith(reverse("two_factor_enrol"))


def test_who_may_reset_whom(
    team_manager, social_worker, screening_officer, mash_manager, administrator
):
    assert two_factor.may_reset_two_factor(team_manager, social_worker)
    assert not two_factor.may_reset_two_factor(team_manager, screening_officer)  # other team
    assert not two_factor.may_reset_two_factor(team_manager, team_manager)  # not oneself
    assert not two_factor.may_reset_two_factor(mash_manager, social_worker)
    assert not two_factor.may_reset_two_factor(social_worker, team_manager)  # not a manager
    assert two_factor.may_reset_two_factor(administrator, screening_officer)
    assert not two_factor.may_reset_two_factor(administrator, administrator)
    with pytest.raises(PermissionDenied):
        two_factor.two_factor_reset(
            user=screening_officer, by=team_manager, reason="Lost phone here"
        )
    with pytest.raises(ValidationError):
        two_factor.two_factor_reset(user=social_worker, by=team_manager, reason="lost")


def test_a_manager_is_told_not_found_for_someone_outside_their_team(
    client, team_manager, screening_officer
):
    client.force_login(team_manager)
    url = reverse("two_factor_reset", args=[screening_officer.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Lost phone, honestly", "confirm": "yes"}).status_code == 404


def test_an_administrator_resets_anyone_and_lists_everyone(client, administrator, partner_user):
    enrol(partner_user)
    client.force_login(administrator)
    listing = client.get(reverse("two_factor_users")).content.decode()
    assert escape(str(partner_user)) in listing  # "O'Neill" is escaped
    client.post(
        reverse("two_factor_reset", args=[partner_user.pk]),
        {"reason": "Police IT replaced her phone", "confirm": "yes"},
    )
    assert not TOTPDevice.objects.filter(user=partner_user).exists()


def test_a_blank_reason_is_asked_for_again(client, team_manager, social_worker):
    client.force_login(team_manager)
    response = client.post(
        reverse("two_factor_reset", args=[social_worker.pk]), {"reason": "", "confirm": "yes"}
    )
    assert response.status_code == 200
    assert "Say why the two-factor sign-in is being reset" in response.content.decode()


@pytest.mark.parametrize(
    "module,expected",
    [("contact_service.settings.production", "True"), ("contact_service.settings.local", "False")],
)
def test_two_factor_is_required_in_production_and_off_in_the_demo(module, expected):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **{k: v for k, v in os.environ.items() if k != "TWO_FACTOR_REQUIRED"},
        "DJANGO_SETTINGS_MODULE": module,
        "SECRET_KEY": "a-long-random-production-secret-for-this-test-only",
        "DATABASE_URL": "sqlite:////tmp/unused.db",
        "ALLOWED_HOSTS": "localhost",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)"  # noqa: E501
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_the_secret_and_the_backup_codes_are_never_cached(client, screening_officer):
    client.force_login(screening_officer)
    assert "no-store" in client.get(reverse("two_factor_enrol"))["Cache-Control"]
    assert "no-store" in client.get(reverse("two_factor_backup_codes"))["Cache-Control"]
