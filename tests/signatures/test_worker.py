"""Against a real Celery worker: the coalesced drain mails signers, the batch count counts them."""

import re
import time

import pytest

from signatures import services
from signatures.selectors import petition_counts
from signatures.tasks import tallies_add_confirmed

pytestmark = pytest.mark.worker

COUNT_TIMEOUT = 20.0


def _sign(petition, email):
    services.petition_sign(
        petition=petition, name="Asha Devi", email=email, region="Kerala", visibility="counted", opt_ins=[],
        ip="203.0.113.7",
    )


def test_signers_get_their_mail_from_the_worker_and_confirmed_ones_are_counted_by_it(
    transactional_db, petition, celery_worker
):
    addresses = [f"signer{n}@example.org" for n in range(6)]
    for address in addresses:
        _sign(petition, address)

    mails = celery_worker.wait_for_mails(len(addresses))
    assert sorted(mail["To"] for mail in mails) == addresses
    for mail in mails[:4]:
        body = mail.get_body(preferencelist=("plain",)).get_content()
        services.signature_confirm(token=re.search(r"/confirm/([\w-]+)/", body).group(1))

    tallies_add_confirmed.delay()
    deadline = time.monotonic() + COUNT_TIMEOUT
    while petition_counts(petition).total != 4:
        assert time.monotonic() < deadline, celery_worker.log_text()
        time.sleep(0.2)
    time.sleep(0.5)
    assert len(celery_worker.mails()) == len(addresses)
