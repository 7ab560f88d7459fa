import pytest
from django.conf import settings
from django.db import transaction

from coalitions.mail import outbox_mail

pytestmark = pytest.mark.worker

TEMPLATE = "coalitions/email/staff_invitation"


def _invitation(url: str) -> dict:
    return {"organisation": "Mill Workers Union", "inviter": "Asha", "role": "staff", "url": url, "days": 14}


class RolledBack(Exception):
    pass


def test_mail_queued_in_a_committed_transaction_is_sent_by_the_worker(transactional_db, celery_worker):
    # Queued in a transaction that rolls back: never sent.
    with pytest.raises(RolledBack), transaction.atomic():
        outbox_mail(
            to="nobody@example.org", template=TEMPLATE, context=_invitation("https://x.example/gone"), language="en"
        )
        raise RolledBack

    with transaction.atomic():
        outbox_mail(
            to="rita@example.org", template=TEMPLATE, context=_invitation("https://x.example/join/abc"), language="en"
        )
        assert celery_worker.mails() == []  # nothing leaves before the commit

    # The solo worker takes tasks in order, so once this mail is there, any earlier one would be too.
    mails = celery_worker.wait_for_mails(1)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["To"] == "rita@example.org"
    assert mail["From"] == settings.DEFAULT_FROM_EMAIL
    assert mail["Subject"].startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert "Mill Workers Union" in mail["Subject"]
    assert "https://x.example/join/abc" in mail.get_body(preferencelist=("plain",)).get_content()
