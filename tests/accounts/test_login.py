from django.urls import reverse


def test_sign_in_takes_screening_officer_to_new_contacts(client, screening_officer):
    response = client.post(
        reverse("login"), {"username": "screener", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("referrals:queue_new")


def test_wrong_password_shows_error_summary_and_keeps_username(client, screening_officer):
    response = client.post(reverse("login"), {"username": "screener", "password": "wrong"})
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Enter a correct username and password" in body
    assert 'value="screener"' in body


def test_repeated_failures_lock_the_account(client, screening_officer, settings):
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        client.post(reverse("login"), {"username": "screener", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "screener", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("referrals:queue_new"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_sign_out_is_a_post(client, screening_officer):
    client.force_login(screening_officer)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("work_tray")).status_code == 302


def test_notification_of_another_user_is_not_found(client, screening_officer, social_worker):
    from accounts.services import notify

    notice = notify(user=social_worker, title="For someone else", email=False)
    client.force_login(screening_officer)
    assert client.post(reverse("notification_read", args=[notice.pk])).status_code == 404
