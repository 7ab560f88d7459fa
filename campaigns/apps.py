from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from coalitions.scorecards.selectors import scorecard_home_section

        from . import (
            audit,  # noqa: F401  (registers how campaign activity reads)
            balance,  # noqa: F401  (registers what campaigns count towards the balance of power)
            imports,  # noqa: F401  (registers the target and task imports)
        )
        from .views.home import register_home_section

        # The partnership's own work (scorecards, action points) sits beside the campaigns' on the home page.
        register_home_section(scorecard_home_section)
