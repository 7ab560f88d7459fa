import pytest
from django.test import Client


@pytest.fixture
def client_for(db):
    """A fresh client signed in as the given person; anonymous for None."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what services queue for after commit (mail tasks run eagerly in the test settings)."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture
