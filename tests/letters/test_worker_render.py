"""Against a real Celery worker: finalising hands the PDF to the worker, which draws and keeps it."""

import hashlib
import time

import pytest

from letters import services
from letters.models import Letter, LetterPdf, LetterStatus
from tests.letters.conftest import approve_all

pytestmark = pytest.mark.worker

RENDER_TIMEOUT = 60.0


def test_the_worker_draws_the_final_pdf_once_the_finalisation_commits(transactional_db, letter, world, celery_worker):
    approve_all(letter, world)
    services.letter_finalise(letter=letter, by=world.lead)
    deadline = time.monotonic() + RENDER_TIMEOUT
    while Letter.objects.get(pk=letter.pk).status != LetterStatus.FINAL:
        assert time.monotonic() < deadline, celery_worker.log_text()
        time.sleep(0.3)
    pdf = LetterPdf.objects.get(version=letter.current_version, final=True)
    data = pdf.file.read()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == pdf.sha256
