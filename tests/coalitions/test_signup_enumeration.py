"""Signing up with an address that has an account must cost what signing up with a new one costs."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from coalitions.models import User
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hashings(monkeypatch) -> list[str]:
    calls = []
    real = MD5PasswordHasher.encode

    def encode(self, password, salt):
        calls.append(password)
        return real(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)
    return calls


def _sign_up(email: str):
    return Client().post(
        reverse("account_signup"),
        {"email": email, "password1": "a-long-new-password", "password2": "a-long-new-password", "language": "en"},
    )


def test_an_existing_address_costs_the_same_password_hashing_as_a_new_one(db, hashings):
    UserFactory(email="known@example.org")
    hashings.clear()

    existing = _sign_up("known@example.org")
    for_existing = len(hashings)
    hashings.clear()
    new = _sign_up("new@example.org")
    for_new = len(hashings)

    assert User.objects.filter(email="new@example.org").exists()
    assert for_new >= 1
    assert for_existing == for_new
    # And the answer is the same: off to "check your mail".
    assert (existing.status_code, existing.url) == (new.status_code, new.url)
