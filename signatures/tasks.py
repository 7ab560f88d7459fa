from celery import shared_task

from . import services
from .models import Petition


@shared_task
def tallies_add_confirmed() -> int:
    return services.tallies_add_confirmed()


@shared_task
def tallies_recount() -> None:
    for petition in Petition.objects.filter(signatures__isnull=False).distinct().iterator():
        services.tallies_recount(petition=petition)


@shared_task
def signatures_anonymise() -> int:
    return services.signatures_anonymise()
