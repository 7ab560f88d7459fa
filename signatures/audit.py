"""How petition activity reads in the coalition's trail, in the reader's language."""

from datetime import date

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def _changed(codes: list[str]) -> str:
    labels = {
        "goal": _("goal"), "deadline": _("deadline"), "regions": _("regions"),
        "organisations": _("co-owning organisations"),
    }
    return ", ".join(str(labels.get(code, code)) for code in codes)



def _params(d: dict) -> dict:
    return {**d, "date": date_format(date.fromisoformat(d["date"]), "DATE_FORMAT") if "date" in d else ""}


register_audit_actions(
    {
        "petition.updated": lambda d: _("%(actor)s changed the %(changed)s of the petition “%(petition)s”.")
        % {**d, "changed": _changed(d["changed"])},
        "petition.exported": lambda d: ngettext(
            "%(actor)s downloaded %(count)s signature of the petition “%(petition)s” for delivery.",
            "%(actor)s downloaded %(count)s signatures of the petition “%(petition)s” for delivery.",
            int(d["count"]),
        )
        % _params(d),
        "petition.paper_imported": lambda d: ngettext(
            "%(actor)s added %(count)s signature from paper sheets to the petition “%(petition)s”.",
            "%(actor)s added %(count)s signatures from paper sheets to the petition “%(petition)s”.",
            int(d["count"]),
        )
        % _params(d),
        "petition.paper_total_added": lambda d: ngettext(
            "%(actor)s counted %(count)s signature on paper sheets of %(date)s for the petition “%(petition)s”.",
            "%(actor)s counted %(count)s signatures on paper sheets of %(date)s for the petition “%(petition)s”.",
            int(d["count"]),
        )
        % _params(d),
        "petition.paper_total_deleted": lambda d: ngettext(
            "%(actor)s took back %(count)s signature on paper sheets of %(date)s from the petition “%(petition)s”.",
            "%(actor)s took back %(count)s signatures on paper sheets of %(date)s from the petition “%(petition)s”.",
            int(d["count"]),
        )
        % _params(d),
    }
)
