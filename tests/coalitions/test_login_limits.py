import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _login(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_guessed_password_is_refused_after_five_failures_even_when_right(db, client):
    person = UserFactory(email="target@example.org")
    for _ in range(5):
        assert _login(client, person.email, "wrong-guess-123").status_code == 200

    response = _login(client, person.email, PASSWORD)

    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_the_right_password_signs_in_before_the_limit(db, client):
    person = UserFactory(email="member@example.org")
    _login(client, person.email, "wrong-guess-123")

    response = _login(client, person.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
