from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Live events and messages")

    def ready(self):
        from campaigns.views.plan import register_board_panel

        from . import audit  # noqa: F401  (registers how discussion activity reads)
        from .views import board_discussion_panel

        register_board_panel(board_discussion_panel)
