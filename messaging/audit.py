"""How discussion entries of the coalition's activity trail read, in the reader's language."""

from django.utils.translation import gettext as _

from coalitions.audit import register_audit_actions

register_audit_actions(
    {
        "message.posted": lambda d: _("%(actor)s (%(organisation)s) wrote in the discussion of “%(campaign)s”.") % d,
        "message.edited": lambda d: _("%(actor)s (%(organisation)s) changed a message in the discussion of “%(campaign)s”.") % d,
        "message.deleted": lambda d: _("%(actor)s (%(organisation)s) deleted a message in the discussion of “%(campaign)s”.") % d,
    }
)
