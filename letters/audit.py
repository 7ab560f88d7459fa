"""How letter entries of the coalition's activity trail read, in the reader's language."""

from django.utils.translation import gettext as _

from campaigns.models import Outcome
from coalitions.audit import register_audit_actions

from .models import DeliveryMethod


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


register_audit_actions(
    {
        "letter.created": lambda d: _("%(actor)s (%(organisation)s) drafted the letter “%(letter)s” of “%(campaign)s”.") % d,
        "letter.revised": lambda d: _("%(actor)s (%(organisation)s) saved version %(number)s of the letter “%(letter)s”.") % d,
        "letter.approve": lambda d: _("%(organisation)s approved version %(number)s of the letter “%(letter)s” (%(actor)s).") % d,
        "letter.changes": lambda d: _("%(organisation)s asked for changes to version %(number)s of the letter “%(letter)s” (%(actor)s).") % d,
        "letter.decline": lambda d: _("%(organisation)s declined to sign the letter “%(letter)s” (%(actor)s).") % d,
        "letter.withdraw": lambda d: _("%(organisation)s withdrew its approval of the letter “%(letter)s” (%(actor)s).") % d,
        "letter.reminded": lambda d: _("%(actor)s reminded the co-signers of the letter “%(letter)s” who have not approved it yet.") % d,
        "letter.finalising": lambda d: _("%(actor)s finalised version %(number)s of the letter “%(letter)s”.") % d,
        "letter.finalised": lambda d: _("The final PDF of the letter “%(letter)s” is ready.") % d,
        "letter.render_failed": lambda d: _("The letter “%(letter)s” could not be finalised: its PDF could not be drawn.") % d,
        "letter.delivered": lambda d: _("%(organisation)s delivered the letter “%(letter)s” to %(target)s (%(method)s).")
        % {**d, "method": _label(DeliveryMethod, d["method"])},
        "letter.response": lambda d: _("%(target)s answered the letter “%(letter)s”: %(response)s.")
        % {**d, "response": _label(Outcome, d["response"])},
    }
)
