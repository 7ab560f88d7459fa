from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from . import (
            audit,  # noqa: F401  (registers how campaign activity reads)
            balance,  # noqa: F401  (registers what campaigns count towards the balance of power)
            imports,  # noqa: F401  (registers the target and task imports)
        )
