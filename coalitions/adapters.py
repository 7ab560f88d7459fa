from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.utils import translation

from .http import client_ip
from .mail import outbox_mail_message, recipient_language


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # Sign-in limits count per visitor exactly as signatures do: behind our own proxies only.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Account mails go out from the worker like every other mail, so a slow mail server
        # never holds up a sign-up or a password reset.
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        # In the reader's language, not the language of whoever caused the mail: a reset asked
        # for from a shared office computer still reaches a Bengali reader in Bengali.
        language = getattr(context.get("user"), "language", "") or recipient_language(
            email, default=translation.get_language() or settings.LANGUAGE_CODE
        )
        with translation.override(language):
            message = self.render_mail(
                template_prefix, email, {
                    "request": request, "email": email, "current_site": get_current_site(request),
                    "site_url": settings.SITE_URL, **context,
                },
            )
        html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        outbox_mail_message(subject=message.subject, body=message.body, to=list(message.to), html=html)


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # Creating an account hashes its password, which takes a noticeable time; an address
            # that already has one would otherwise answer faster and give itself away.
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
