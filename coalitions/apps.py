from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionsConfig(AppConfig):
    name = "coalitions"
    verbose_name = _("Coalitions")

    def ready(self):
        from django.conf.locale import LANG_INFO

        from .balance import Side, register_contribution
        from .scorecards import audit  # noqa: F401  (registers how scorecard activity reads)
        from .scorecards.selectors import scorecard_answers_by_organisation

        register_contribution(
            key="scorecard_answers", label=_("Scorecard answers"), side=Side.DECIDE,
            count=scorecard_answers_by_organisation,
            note=_("Indicators an organisation scored in the coalition's scorecards, by the day of its last change: rating the partnership is having a say in it."),
        )

        # Django knows no "en-in" and would describe it as plain English (code "en") in the
        # language menu; it is English with Indian number grouping (config/formats/en_IN).
        LANG_INFO.setdefault(
            "en-in", {"bidi": False, "code": "en-in", "name": "English (India)", "name_local": "English (India)"}
        )
