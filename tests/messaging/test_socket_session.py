"""A socket lives only as long as the sign-in that opened it."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

import config.asgi
from coalitions.models import User
from messaging.consumers import CLOSE_FORBIDDEN

from .conftest import ORIGIN, TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)

FORBIDDEN = {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


@sync_to_async
def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def open_socket(client: Client) -> WebsocketCommunicator:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(
        config.asgi.application, "/ws/coalitions/domestic-workers/?after=0", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert connected, code
    return communicator


@sync_to_async
def sign_out(client: Client) -> None:
    assert client.post(reverse("account_logout")).status_code == 302


@sync_to_async
def deactivate(user) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


@sync_to_async
def change_password_elsewhere(user) -> None:
    user = User.objects.get(pk=user.pk)
    user.set_password("another-long-password")
    user.save()


async def end_sign_in(ending: str, client: Client, user) -> None:
    if ending == "deactivate":
        await deactivate(user)
    elif ending == "password":
        await change_password_elsewhere(user)
    else:
        await sign_out(client)


ENDINGS = ["sign_out", "deactivate", "password"]


@pytest.mark.parametrize("ending", ENDINGS)
async def test_the_socket_is_closed_at_the_next_batch_once_the_sign_in_ends(world, ending):
    client = await signed_in(world.member_staff)
    socket = await open_socket(client)
    await end_sign_in(ending, client, world.member_staff)
    await socket.send_json_to({"type": "sync"})
    assert await socket.receive_output(timeout=TIMEOUT) == FORBIDDEN
    await socket.disconnect(timeout=1)


@pytest.mark.parametrize("ending", ENDINGS)
async def test_the_socket_is_closed_rather_than_told_of_the_next_change_once_the_sign_in_ends(world, ending):
    client = await signed_in(world.member_staff)
    ending_socket = await open_socket(client)
    staying = await open_socket(await signed_in(world.org_admin))
    await end_sign_in(ending, client, world.member_staff)
    await nameless_lead_invites(world)
    assert await ending_socket.receive_output(timeout=TIMEOUT) == FORBIDDEN
    assert (await staying.receive_json_from(timeout=TIMEOUT))["type"] == "event"
    await ending_socket.disconnect(timeout=1)
    await staying.disconnect(timeout=1)


async def test_a_socket_whose_sign_in_goes_on_keeps_receiving(world):
    socket = await open_socket(await signed_in(world.member_staff))
    await socket.send_json_to({"type": "sync"})
    assert await socket.receive_nothing()
    await socket.disconnect(timeout=1)


@sync_to_async
def nameless_lead_invites(world) -> None:
    from coalitions import services

    User.objects.filter(pk=world.lead.pk).update(display_name="")
    lead = User.objects.get(pk=world.lead.pk)
    services.coalition_invite(
        coalition=world.coalition, by=lead, email="contact@union.example", organisation_name="Union",
        role="member", base_url="http://testserver/",
    )


async def test_a_live_event_names_a_nameless_actor_by_organisation_not_address(world, sockets):
    socket = await sockets.open(world.observer, after=0)
    await nameless_lead_invites(world)
    event = await socket.receive_json_from(timeout=TIMEOUT)
    assert world.lead.email not in str(event)
    assert event["text"].startswith(f"A person at {world.lead_org.short_name} invited Union")
