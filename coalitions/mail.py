from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .outbox import MAIL, outbox_add


def recipient_language(email: str, *, default: str) -> str:
    """The language of whoever reads mail at `email`: their own if they have an account here."""
    from .models import User

    language = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    return language or default


def outbox_mail(*, to: str, template: str, context: dict, language: str) -> None:
    """Render now, in the reader's language; the outbox delivers it once the change commits."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_message.txt", context)
    outbox_mail_message(subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=body, to=[to])


def outbox_mail_message(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    """A mail already written, through the outbox like every other."""
    outbox_add(
        kind=MAIL,
        payload={"subject": subject, "body": body, "from_email": settings.DEFAULT_FROM_EMAIL, "to": to, "html": html},
    )
