from channels.security.websocket import WebsocketDenier
from django.urls import path, re_path

from .consumers import CoalitionConsumer, PersonConsumer

websocket_urlpatterns = [
    path("ws/coalitions/<slug:slug>/", CoalitionConsumer.as_asgi()),
    path("ws/me/", PersonConsumer.as_asgi()),
    # Any other path is refused at the handshake (403) instead of failing in the router.
    re_path(r"", WebsocketDenier.as_asgi()),
]
