from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import services
from .models import FAILED_TIMEOUT

# A letter renders in about a second; one that takes far longer is stuck or hostile. The hard
# limit kills the worker process if the soft one cannot interrupt WeasyPrint.
RENDER_SOFT_LIMIT = 60
RENDER_HARD_LIMIT = 90


@shared_task(soft_time_limit=RENDER_SOFT_LIMIT, time_limit=RENDER_HARD_LIMIT)
def letter_pdf_render(pdf_id: int) -> None:
    try:
        services.letter_pdf_render(pdf_id=pdf_id)
    except SoftTimeLimitExceeded:
        services.letter_pdf_failed(pdf_id=pdf_id, reason=FAILED_TIMEOUT)
