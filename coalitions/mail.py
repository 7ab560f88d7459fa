from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .outbox import MAIL, outbox_add


def recipient_language(email: str, *, default: str) -> str:
    """The language of whoever reads mail at `email`: their own if they have an account here."""
    from .models import User

    language = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    return language or default


def mail_render(*, template: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and body of a mail from its templates, in the reader's language."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_message.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body


def outbox_mail(*, to: str, template: str, context: dict, language: str) -> None:
    """Render now, in the reader's language; the outbox delivers it once the change commits."""
    subject, body = mail_render(template=template, context=context, language=language)
    outbox_mail_message(subject=subject, body=body, to=[to])


def template_mail_payload(*, to: str, template: str, context: dict, language: str) -> dict:
    return {"template": template, "context": context, "language": language, "to": [to]}


def mail_payload(payload: dict) -> dict:
    """The mail a row delivers (subject, body, from_email, to), whether written or rendered late."""
    if "template" not in payload:
        return payload
    subject, body = mail_render(template=payload["template"], context=payload["context"], language=payload["language"])
    return {"subject": subject, "body": body, "from_email": settings.DEFAULT_FROM_EMAIL, "to": payload["to"], "html": ""}


def outbox_mail_message(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    """A mail already written, through the outbox like every other."""
    outbox_add(
        kind=MAIL,
        payload={"subject": subject, "body": body, "from_email": settings.DEFAULT_FROM_EMAIL, "to": to, "html": html},
    )
