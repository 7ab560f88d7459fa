"""config/asgi.py routes only the coalition socket; any other path is refused cleanly."""

import pytest
from channels.testing import WebsocketCommunicator

import config.asgi
from tests.messaging.conftest import ORIGIN, TIMEOUT, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/ws/nothing-here/", "/ws/coalitions/a/b/"])
async def test_an_unknown_socket_path_is_refused_at_the_handshake(world, path):
    headers = [ORIGIN, (b"cookie", await session_cookie(world.lead))]
    communicator = WebsocketCommunicator(config.asgi.application, path, headers=headers)

    connected, code = await communicator.connect(timeout=TIMEOUT)

    assert not connected
    assert code == 1000  # closed before accepting: the server answers the handshake with 403
    await communicator.disconnect(timeout=TIMEOUT)
