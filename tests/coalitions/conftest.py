import pytest


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what services queue for after commit (mail tasks run eagerly in the test settings)."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture
