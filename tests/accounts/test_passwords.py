"""Passwords: the validators, changing one's own, and the reset flow (accounts.passwords)."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.password_validation import CommonPasswordValidator, validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from accounts.models import SecurityEvent, SecurityEventKind, User
from accounts.passwords import BreachedPasswordValidator, ServiceWordsValidator
from tests.two_factor_helpers import enrol, next_code

PASSWORD = "correct-horse-battery"
NEW = "violet-kettle-orbit-lantern"


def refused(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


def test_an_eleven_character_password_is_refused_and_a_twelve_character_one_is_not(db):
    assert refused("kettle-orbi") == ["password_too_short"]
    assert refused("kettle-orbit") == []


def test_a_good_passphrase_passes_every_check(db):
    assert refused(NEW) == []
    assert refused("Purple tractor sings at dawn") == []


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "iloveyou2026!"])
def test_common_passwords_are_refused(db, password):
    assert refused(password)


def test_a_breached_password_outside_djangos_list_is_refused(db):
    django_list = CommonPasswordValidator().passwords
    extra = next(p for p in FREQUENCY_LISTS["passwords"] if p not in django_list and p.isalpha())
    with pytest.raises(ValidationError) as exc:
        BreachedPasswordValidator().validate(extra)
    assert exc.value.code == "password_breached"


@pytest.mark.parametrize("password", ["P@ssw0rd2026!", "Dragon12345!!", "--monkey--2025"])
def test_a_breached_password_dressed_up_with_digits_and_leet_is_refused(password):
    with pytest.raises(ValidationError):
        BreachedPasswordValidator().validate(password)


@pytest.mark.parametrize(
    "password",
    [
        "Camden2026!!",
        "Safeguarding2026",
        "children-mash-2026",
        "Havering@Council1",
        "Summer2026Summer",
        "qwertyuiop12",
        "1qaz2wsx3edc4rfv",
        "zxcvbnm,./123",
        "Password1234!",
    ],
)
def test_passwords_made_of_the_services_own_words_or_keyboard_walks_are_refused(camden, password):
    with pytest.raises(ValidationError) as exc:
        ServiceWordsValidator().validate(password)
    assert exc.value.code == "password_service_words"


def test_a_password_of_one_repeated_character_is_refused():
    with pytest.raises(ValidationError) as exc:
        ServiceWordsValidator().validate("aaaaaaaaaaaaaaaa")
    assert exc.value.code == "password_repetitive"


def test_a_password_like_the_username_is_refused(screening_officer):
    assert "password_too_similar" in refused("screener-2026", screening_officer)


# Changing one's own ----------------------------------------------------------------------------


def test_a_user_changes_their_password_stays_signed_in_and_it_is_recorded(
    client, screening_officer
):
    client.force_login(screening_officer)
    other = client.__class__()
    other.force_login(screening_officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response.url == reverse("account_security")
    screening_officer.refresh_from_db()
    assert screening_officer.check_password(NEW)
    assert client.get(reverse("work_tray")).status_code == 200
    assert other.get(reverse("work_tray")).status_code == 302  # other sessions end
    row = screening_officer.history.first()
    assert row.history_change_reason == "Changed their password"
    assert row.history_user_id == screening_officer.pk
    assert SecurityEvent.objects.filter(
        user=screening_officer, kind=SecurityEventKind.PASSWORD_CHANGED
    ).exists()


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}, "old_password",
         "Your current password is not right"),
        ({"old_password": PASSWORD, "new_password1": "short-pass", "new_password2": "short-pass"},
         "new_password1", "too short"),
        ({"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
         "new_password2", "not the same"),
        ({"old_password": PASSWORD, "new_password1": "Camden2026!!!", "new_password2": "Camden2026!!!"},
         "new_password1", "words anyone would guess"),
    ],
)  # fmt: skip
def test_a_refused_password_change_says_why_and_changes_nothing(
    client, screening_officer, data, field, message
):
    client.force_login(screening_officer)
    response = client.post(reverse("password_change"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert message in body
    screening_officer.refresh_from_db()
    assert screening_officer.check_password(PASSWORD)


# Reset by email ----------------------------------------------------------------------------


@pytest.fixture
def ask_reset(client, django_capture_on_commit_callbacks):
    """Post the reset form as a browser would; the queued email is sent (eager Celery)."""

    def ask(email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_reset"), {"email": email})

    return ask


def _reset_link() -> str:
    (message,) = mail.outbox
    return re.search(r"https?://\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_the_reset_page_answers_the_same_for_known_and_unknown_addresses(
    client, ask_reset, screening_officer
):
    known = ask_reset(screening_officer.email)
    unknown = ask_reset("nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [screening_officer.email]
    assert "screener" not in client.get(known.url).content.decode()


def test_sign_in_errors_do_not_say_whether_the_account_exists(client, screening_officer):
    wrong = client.post(reverse("login"), {"username": "screener", "password": "wrong-one"})
    nobody = client.post(reverse("login"), {"username": "nobody-here", "password": "wrong-one"})
    message = "Enter a correct username and password"
    assert message in wrong.content.decode() and message in nobody.content.decode()


def test_a_reset_link_sets_a_new_password_once_and_two_factor_is_still_asked(
    client, ask_reset, screening_officer
):
    device, _ = enrol(screening_officer)
    ask_reset(screening_officer.email.upper())
    link = "/" + _reset_link()
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    screening_officer.refresh_from_db()
    assert screening_officer.check_password(NEW)
    assert screening_officer.history.first().history_change_reason.startswith("Reset their")
    assert SecurityEvent.objects.filter(
        user=screening_officer, kind=SecurityEventKind.PASSWORD_RESET
    ).exists()
    # Not signed in by the reset; the next sign-in asks for the code.
    assert client.get(reverse("work_tray")).status_code == 302
    client.post(reverse("login"), {"username": "screener", "password": NEW})
    assert client.get(reverse("work_tray")).url.startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"code": next_code(device)})
    assert client.get(reverse("work_tray")).status_code == 200
    # The link worked once.
    client.post(reverse("logout"))
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_a_reset_link_refuses_a_weak_password(client, ask_reset, screening_officer):
    ask_reset(screening_officer.email)
    form_url = client.get("/" + _reset_link()).url
    response = client.post(form_url, {"new_password1": "safeguarding1", "new_password2": "safeguarding1"})  # fmt: skip
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    screening_officer.refresh_from_db()
    assert screening_officer.check_password(PASSWORD)


def test_a_reset_link_expires_after_an_hour(client, ask_reset, screening_officer, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    ask_reset(screening_officer.email)
    link = "/" + _reset_link()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)):
        body = client.get(link, follow=True).content.decode()
    assert "This link does not work" in body


def test_no_reset_email_for_an_inactive_account(client, ask_reset, screening_officer):
    User.objects.filter(pk=screening_officer.pk).update(is_active=False)
    response = ask_reset(screening_officer.email)
    assert response.url == reverse("password_reset_done") and mail.outbox == []


def test_a_malformed_address_is_asked_for_again_and_kept(client, ask_reset, db):
    response = ask_reset("not-an-address")
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert 'value="not-an-address"' in body
