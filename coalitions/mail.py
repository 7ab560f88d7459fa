from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import email_deliver


def recipient_language(email: str, *, default: str) -> str:
    """The language of whoever reads mail at `email`: their own if they have an account here."""
    from .models import User

    language = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    return language or default


def email_queue(*, to: str, template: str, context: dict, language: str) -> None:
    """Render now, in the reader's language; deliver from the worker once the change commits."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_message.txt", context)
    email_message_queue(subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=body, to=[to])


def email_message_queue(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    kwargs = {"subject": subject, "body": body, "from_email": settings.DEFAULT_FROM_EMAIL, "to": to, "html": html}
    transaction.on_commit(lambda: email_deliver.delay(**kwargs))
