"""The site's ASGI application, plus the bare broadcast that the fan-out benchmark compares with.

`/ws/bench/broadcast/` joins one group and passes every message of it on to its client as it
came: no session, no access check, no read of the audit trail, no trip to the database thread. What the coalition socket adds
shows against it.
"""

import json

from channels.generic.websocket import AsyncWebsocketConsumer

from config.asgi import application as site_application

# isort: split
# Only once config.asgi has set Django up: the URLs import the site's views and models.
from bench.urls import BROADCAST_GROUP
from messaging.consumers import GroupMessagesWithoutDatabaseHop

BROADCAST_PATH = "/ws/bench/broadcast/"


class BroadcastConsumer(GroupMessagesWithoutDatabaseHop, AsyncWebsocketConsumer):
    groups = [BROADCAST_GROUP]
    group_messages = {"bench.broadcast"}

    async def bench_broadcast(self, event):
        await self.send(text_data=json.dumps({"type": "event", "seq": event["seq"]}))


broadcast = BroadcastConsumer.as_asgi()


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"] == BROADCAST_PATH:
        return await broadcast(scope, receive, send)
    return await site_application(scope, receive, send)
