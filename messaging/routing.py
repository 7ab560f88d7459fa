from django.urls import path

from .consumers import CoalitionConsumer

websocket_urlpatterns = [
    path("ws/coalitions/<slug:slug>/", CoalitionConsumer.as_asgi()),
]
