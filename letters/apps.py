from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Jointly signed letters")

    def ready(self):
        from campaigns.decisions import register_outcome_opener
        from campaigns.models import OutcomeAction
        from campaigns.views.home import register_home_section

        from . import (
            audit,  # noqa: F401  (registers how letter activity reads)
            balance,  # noqa: F401  (registers what letters count towards the balance of power)
            tasks,  # noqa: F401  (registers the render task wherever the outbox hands it to Celery)
        )
        from .selectors import home_section
        from .services import letter_open_for_decision

        register_home_section(home_section)
        register_outcome_opener(OutcomeAction.LETTER, letter_open_for_decision)
