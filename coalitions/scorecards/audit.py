"""How scorecard activity reads in the trail, in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..audit import register_audit_actions


def _answered(d: dict) -> str:
    return ngettext(
        "An organisation answered the scorecard “%(title)s” (%(organisations)s organisation so far).",
        "An organisation answered the scorecard “%(title)s” (%(organisations)s organisations so far).",
        d["organisations"],
    ) % d


def _closed(d: dict) -> str:
    return ngettext(
        "%(actor)s closed the scorecard “%(title)s”; %(organisations)s organisation answered.",
        "%(actor)s closed the scorecard “%(title)s”; %(organisations)s organisations answered.",
        d["organisations"],
    ) % d


register_audit_actions(
    {
        "scorecard.opened": lambda d: _("%(actor)s opened the scorecard “%(title)s”; partners may add indicators.") % d,
        "scorecard.indicator_added": lambda d: _("%(actor)s added the indicator “%(indicator)s” to the scorecard “%(title)s” for %(organisation)s.")
        % d,
        "scorecard.scoring_started": lambda d: _("%(actor)s opened the scorecard “%(title)s” for scoring.") % d,
        "scorecard.answered": _answered,
        "scorecard.closed": _closed,
        "action_point.added": lambda d: _("%(actor)s gave %(organisation)s an action point of the scorecard “%(title)s”: %(action)s.")
        % d,
        "action_point.done": lambda d: _("%(actor)s marked done the action point of %(organisation)s: %(action)s.") % d,
    }
)
