"""Only pages of the site itself may open a socket: its exact scheme, host and port."""

import pytest

from .conftest import TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(settings):
    settings.ALLOWED_HOSTS = ["coalition.example", "www.coalition.example", "127.0.0.1"]
    settings.SITE_URL = "https://coalition.example"
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.coalition.example"]
    return settings


async def _refused(sockets, user, origin: bytes | None) -> bool:
    return await sockets.refused(user, origin=(b"origin", origin) if origin is not None else None)


@pytest.mark.parametrize(
    "origin",
    [
        b"http://coalition.example",
        b"https://coalition.example:8443",
        b"https://elsewhere.example",
        b"https://coalition.example.elsewhere.example",
        b"https://evil-coalition.example",
        b"null",
        None,
    ],
)
async def test_any_other_origin_is_refused(world, sockets, site, origin):
    assert await _refused(sockets, world.lead, origin)


@pytest.mark.parametrize("origin", [b"https://coalition.example", b"https://coalition.example:443", b"https://www.coalition.example"],)
async def test_the_sites_own_origins_are_accepted(world, sockets, site, origin):
    communicator = await sockets.open(world.lead, origin=(b"origin", origin))
    assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "hello"


async def test_a_site_served_on_another_port_accepts_that_port_only(world, sockets, site):
    site.SITE_URL = "http://127.0.0.1:8123"
    site.CSRF_TRUSTED_ORIGINS = []
    assert not await _refused(sockets, world.lead, b"http://127.0.0.1:8123")
    assert await _refused(sockets, world.lead, b"http://127.0.0.1:8000")
