from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "signatures"
    verbose_name = _("Petitions and signatures")

    def ready(self):
        from coalitions.outbox import HANDLERS

        from . import (
            audit,  # noqa: F401  (registers how petition activity reads)
            imports,  # noqa: F401  (registers the import of paper signatures)
        )
        from .mails import SIGNER_MAIL, signer_mail_deliver

        HANDLERS[SIGNER_MAIL] = signer_mail_deliver
