"""How petition activity reads in the coalition's trail, in the reader's language."""

from django.conf import settings
from django.utils.translation import gettext as _

from coalitions.audit import register_audit_actions


def _language(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


register_audit_actions(
    {
        "petition.created": lambda d: _("%(actor)s drafted the petition “%(petition)s” of “%(campaign)s”.") % d,
        "petition.text_set": lambda d: _("%(actor)s wrote the %(language)s text of the petition “%(petition)s”.")
        % {**d, "language": _language(d["language"])},
        "petition.text_approved": lambda d: _(
            "%(actor)s approved the %(language)s text of the petition “%(petition)s”."
        )
        % {**d, "language": _language(d["language"])},
        "petition.opened": lambda d: _("%(actor)s opened the petition “%(petition)s” for signatures.") % d,
        "petition.paused": lambda d: _("%(actor)s paused the petition “%(petition)s”.") % d,
        "petition.closed": lambda d: _("%(actor)s closed the petition “%(petition)s”.") % d,
        "petition.reopened": lambda d: _("%(actor)s reopened the petition “%(petition)s”.") % d,
        "petition.anonymised": lambda d: _(
            "The names and addresses of %(count)s signers of the closed petition “%(petition)s” were erased; "
            "the counts stay."
        )
        % d,
    }
)
