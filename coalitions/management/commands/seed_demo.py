"""Load the demo data of every app that has a `demo` module, in the order of INSTALLED_APPS.

Idempotent: running it again changes nothing that is already there.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from coalitions.demo import logins_text


class Command(BaseCommand):
    help = "Load the demo coalitions and campaigns and print their logins."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled here (DEMO_DATA_ALLOWED is off).")
        modules = [
            import_module(f"{config.name}.demo") for config in apps.get_app_configs() if find_spec(f"{config.name}.demo")
        ]
        with transaction.atomic():
            for module in modules:
                module.load()
        self.stdout.write(logins_text())
