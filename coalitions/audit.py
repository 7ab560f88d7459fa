"""The coalition's audit trail, which doubles as its sequenced stream of live events.

Every change to a coalition's shared state calls `audit_record` inside the service's transaction.
The entry gets the next sequence number of its coalition; after commit, a nudge goes to the
coalition's channel-layer group. The nudge carries nothing but the number: sockets read the
entries themselves, so a dropped nudge is caught up by the next one or by a reconnect.
"""

import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import Affiliation, AuditEntry, Coalition, CoalitionRole, User
from .notices import notices_send

logger = logging.getLogger(__name__)
Describer = Callable[[dict], str]
_describers: dict[str, Describer] = {}


def register_audit_actions(describers: dict[str, Describer]) -> None:
    """Apps that record entries say here how each of their actions reads, in the reader's language."""
    _describers.update(describers)


def describe_entry(entry: AuditEntry) -> str:
    describer = _describers.get(entry.action)
    actor = entry.actor_label()
    data = {**entry.data, "actor": actor}
    if describer is None:
        return f"{actor}: {entry.action}"
    try:
        return capfirst(describer(data))
    except (KeyError, ValueError, TypeError):
        return f"{actor}: {entry.action}"


def actor_organisation(user: User, coalition: Coalition):
    """The organisation through which `user` takes part in `coalition`, if any."""
    affiliation = (
        Affiliation.objects.filter(user=user, organisation__participations__coalition=coalition)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    return affiliation.organisation if affiliation else None


def coalition_group(coalition_id: int) -> str:
    return f"coalition.{coalition_id}"


def _role_label(code: str) -> str:
    try:
        return str(CoalitionRole(code).label)
    except ValueError:
        return code


def audit_record(
    *, coalition: Coalition, actor: User | None, action: str, data: dict | None = None, topics=(), notices=()
) -> AuditEntry:
    """Append an entry; must run inside the caller's transaction so that both commit together.

    `topics` name the objects the change touched, as "<kind>:<id>"; the coalition itself is always
    one of them, so that every page of the coalition may follow it. `notices` tell the people the
    change concerns personally (coalitions/notices.py)."""
    # The UPDATE locks the coalition row until commit, so sequence numbers are handed out one
    # at a time with no gaps that a reconnecting client could mistake for lost events.
    Coalition.objects.filter(pk=coalition.pk).update(last_event_seq=F("last_event_seq") + 1)
    seq = Coalition.objects.values_list("last_event_seq", flat=True).get(pk=coalition.pk)
    data = dict(data or {})
    if actor is not None and not actor.display_name:
        organisation = actor_organisation(actor, coalition)
        if organisation is not None:
            data["actor_organisation"] = organisation.short_name
    entry = AuditEntry.objects.create(
        coalition=coalition,
        seq=seq,
        actor=actor,
        actor_name=actor.display_name if actor else "",
        action=action,
        data=data,
        topics=[f"coalition:{coalition.pk}", *topics],
    )
    if notices:
        notices_send(coalition=coalition, notices=notices, actor=actor, entry=entry)
    transaction.on_commit(lambda: _nudge(coalition.pk, seq))
    return entry


def _nudge(coalition_id: int, seq: int) -> None:
    _group_send(coalition_id, {"type": "coalition.nudge", "seq": seq})


def tally_nudge(*, coalition_id: int, topic: str) -> None:
    """Tells the coalition's sockets that counts under `topic` ("petition:5") changed.

    Outside the trail and unnumbered: the public's signatures are no partner's doing, their
    signers' details belong in no partner's trail, and a busy petition would flood it. Pages read
    the counts afresh, so a lost nudge only delays them until the next one."""
    _group_send(coalition_id, {"type": "coalition.tally", "topic": topic})


def _group_send(coalition_id: int, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(coalition_group(coalition_id), message)
    except Exception:  # noqa: BLE001
        # The layer is allowed to lose messages; clients catch up from the audit trail.
        logger.warning("Could not nudge coalition %s", coalition_id, exc_info=True)


register_audit_actions(
    {
        "coalition.created": lambda d: _("%(actor)s created the coalition with %(organisation)s as lead.")
        % {**d},
        "coalition.updated": lambda d: _("%(actor)s updated the coalition's settings.") % d,
        "invitation.sent": lambda d: _("%(actor)s invited %(organisation)s as %(role)s.")
        % {**d, "role": _role_label(d["role"])},
        "invitation.revoked": lambda d: _("%(actor)s withdrew the invitation to %(organisation)s.") % d,
        "organisation.joined": lambda d: _("%(organisation)s joined as %(role)s, accepted by %(actor)s.")
        % {**d, "role": _role_label(d["role"])},
        "organisation.role_changed": lambda d: _("%(actor)s changed the role of %(organisation)s from %(old)s to %(new)s.")
        % {**d, "old": _role_label(d["old"]), "new": _role_label(d["new"])},
        "organisation.removed": lambda d: _("%(actor)s removed %(organisation)s from the coalition.") % d,
        "organisation.left": lambda d: _("%(organisation)s left the coalition (decided by %(actor)s).") % d,
    }
)
