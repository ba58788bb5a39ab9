"""Sign-in: throttled after repeated failures, for a username and for an address."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from casegrip.web.accounts.models import LoginFailure

from .conftest import PASSWORD


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_correct_password_signs_in(org, make_user):
    user = make_user("director", org["authority"])
    response = sign_in(Client(), user.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


@override_settings(CASEGRIP_LOGIN_FAILURES_PER_USERNAME=5)
def test_five_failures_lock_the_username_even_with_the_right_password(org, make_user):
    user = make_user("director", org["authority"])
    client = Client()
    for _ in range(5):
        assert sign_in(client, user.username, "wrong-password").status_code == 200

    response = sign_in(client, user.username, PASSWORD)

    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(CASEGRIP_LOGIN_FAILURES_PER_USERNAME=5)
def test_failures_below_the_limit_are_forgiven_by_a_success(org, make_user):
    user = make_user("director", org["authority"])
    client = Client()
    for _ in range(4):
        sign_in(client, user.username, "wrong-password")

    assert sign_in(client, user.username, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username=user.username).exists()


@override_settings(CASEGRIP_LOGIN_FAILURES_PER_ADDRESS=3, CASEGRIP_LOGIN_FAILURES_PER_USERNAME=50)
def test_many_usernames_from_one_address_lock_the_address(org, make_user):
    user = make_user("director", org["authority"])
    for n in range(3):
        sign_in(Client(), f"guess-{n}", "wrong-password", address="10.9.9.9")

    assert sign_in(Client(), user.username, PASSWORD, address="10.9.9.9").status_code == 200
    assert sign_in(Client(), user.username, PASSWORD, address="10.1.1.1").status_code == 302


@pytest.mark.parametrize("name", ["Director-1", " director-1 "])
def test_username_variants_share_one_counter(name, org, make_user):
    from casegrip.web.accounts import throttle

    throttle.record_failure(name, None)
    assert LoginFailure.objects.get().username == "director-1"
