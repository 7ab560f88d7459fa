from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "signatures"
    verbose_name = _("Petitions and signatures")

    def ready(self):
        from . import (
            audit,  # noqa: F401  (registers how petition activity reads)
            imports,  # noqa: F401  (registers the import of paper signatures)
        )
