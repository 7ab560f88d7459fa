"""What concerns a person personally: the apps' services hand notices here with their change.

A notice names people, or organisations standing for their people; each of them gets one
notification (once per occasion, by its key), the count in their header goes up at once, and a
mail follows as they chose: at once, in the daily mail, or never.
"""

import logging
from dataclasses import dataclass
from datetime import date

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from .access import leads_withheld_for_mfa
from .mail import outbox_mail
from .models import (
    DIGEST_NOTIFICATION_KINDS,
    Affiliation,
    AuditEntry,
    Coalition,
    MailPreference,
    Notification,
    NotificationKind,
    Participation,
    User,
)

logger = logging.getLogger(__name__)
MAIL_TEMPLATE = "coalitions/email/notification"


@dataclass(frozen=True)
class Notice:
    kind: str
    key: str
    url: str
    data: dict
    users: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    # The sender mails these people itself (a letter's changes, with what changed): no second mail.
    mailed_by_sender: bool = False


def person_group(user_id: int) -> str:
    return f"person.{user_id}"


def _recipients(coalition: Coalition, notice: Notice, actor: User | None) -> set[int]:
    """The people named or standing behind the organisations, while they take part in the coalition."""
    in_coalition = Participation.objects.filter(coalition=coalition).values("organisation")
    affiliations = Affiliation.objects.filter(organisation__in=in_coalition, user__is_active=True)
    named = set(affiliations.filter(user_id__in=notice.users).values_list("user_id", flat=True)) if notice.users else set()
    if notice.organisations:
        named |= set(affiliations.filter(organisation_id__in=notice.organisations).values_list("user_id", flat=True))
    named.discard(actor.pk if actor else None)
    return named


def notices_send(*, coalition: Coalition, notices, actor: User | None = None, entry: AuditEntry | None = None) -> int:
    """Inside the caller's transaction; returns how many notifications were new."""
    created: list[Notification] = []
    for notice in notices:
        people = _recipients(coalition, notice, actor)
        if not people:
            continue
        known = set(Notification.objects.filter(key=notice.key, user_id__in=people).values_list("user_id", flat=True))
        fresh = [
            Notification(
                user_id=user_id, coalition=coalition, entry=entry, kind=notice.kind, key=notice.key,
                data=notice.data, url=notice.url, mailed_at=timezone.now() if notice.mailed_by_sender else None,
            )
            for user_id in sorted(people - known)
        ]
        created += Notification.objects.bulk_create(fresh)
    if not created:
        return 0
    counts: dict[int, int] = {}
    for notification in created:
        counts[notification.user_id] = counts.get(notification.user_id, 0) + 1
    for user_id, count in counts.items():
        User.objects.filter(pk=user_id).update(unread_notifications=F("unread_notifications") + count)
    _mail_at_once(coalition, [n for n in created if n.mailed_at is None and n.kind not in DIGEST_NOTIFICATION_KINDS])
    people = sorted(counts)
    transaction.on_commit(lambda: notifications_changed(people))
    return len(created)


def _mail_at_once(coalition: Coalition, notifications: list[Notification]) -> None:
    """Overdue tasks and commitments are told in the daily mail, which is about what is due anyway."""
    people = {
        person.pk: person
        for person in User.objects.filter(
            pk__in={n.user_id for n in notifications}, notification_mail=MailPreference.IMMEDIATELY
        )
    }
    if not people:
        return
    # A coalition that asks its leads for a second factor mails nothing of its work to a lead
    # without one: the mailbox would be a way around the sign-in it asked for.
    withheld = {user_id for user_id, coalition_id in leads_withheld_for_mfa(set(people)) if coalition_id == coalition.pk}
    mailed = []
    for notification in notifications:
        person = people.get(notification.user_id)
        if person is None or person.pk in withheld:
            continue
        outbox_mail(
            to=person.email, template=MAIL_TEMPLATE, language=person.language,
            context={"name": person.display_name or person.email, "notifications": [notification_view(notification, person)]},
        )
        mailed.append(notification.pk)
    Notification.objects.filter(pk__in=mailed).update(mailed_at=timezone.now())


def notifications_changed(user_ids) -> None:
    """Tells the people's open pages to show their new count; a lost message waits for the next beat."""
    layer = get_channel_layer()
    if layer is None:
        return
    for user_id in user_ids:
        try:
            async_to_sync(layer.group_send)(person_group(user_id), {"type": "notifications.changed"})
        except Exception:  # noqa: BLE001
            logger.warning("Could not tell person %s of their notifications", user_id, exc_info=True)


def _due(iso: str) -> str:
    return date_format(date.fromisoformat(iso), "DATE_FORMAT") if iso else ""


def notification_text(notification: Notification, actor: str = "") -> str:
    """In the active language; `actor` is who caused it, as the reader may see them named."""
    data = {**notification.data, "actor": actor or _("a partner")}
    kind = notification.kind
    if kind == NotificationKind.MENTION:
        if data.get("organisation"):
            return _("%(actor)s mentioned %(organisation)s in the discussion of %(campaign)s.") % data
        return _("%(actor)s mentioned you in the discussion of %(campaign)s.") % data
    if kind == NotificationKind.TASK_ASSIGNED:
        data["due"] = _due(data.get("due", ""))
        if data.get("personal"):
            return _("%(actor)s gave you a task in %(campaign)s: %(target)s, due %(due)s.") % data
        return _("%(actor)s gave %(organisation)s a task in %(campaign)s: %(target)s, due %(due)s.") % data
    if kind == NotificationKind.VOTE_REQUESTED:
        return _("Your organisation is asked to vote: “%(question)s” (proposed by %(organisation)s).") % data
    if kind == NotificationKind.DECISION_CLOSED:
        if data.get("status") == "passed":
            return _("Decided: “%(question)s” passed.") % data
        return _("“%(question)s” did not pass.") % data
    if kind == NotificationKind.APPROVAL_REQUESTED:
        return _("%(organisation)s is asked to approve “%(letter)s”, version %(number)s (%(campaign)s).") % data
    if kind == NotificationKind.SCORECARD_OPEN:
        if data.get("due"):
            data["due"] = _due(data["due"])
            return _("%(actor)s opened the scorecard “%(title)s”: how is the partnership doing? Scores by %(due)s.") % data
        return _("%(actor)s opened the scorecard “%(title)s”: how is the partnership doing?") % data
    if kind == NotificationKind.ACTION_POINT_GIVEN:
        data["due"] = _due(data.get("due", ""))
        if data.get("personal"):
            return _("%(actor)s gave you an action point of the scorecard “%(title)s”: %(action)s, due %(due)s.") % data
        return _("%(actor)s gave %(organisation)s an action point of the scorecard “%(title)s”: %(action)s, due %(due)s.") % data
    data["due"] = _due(data.get("due", ""))
    if kind == NotificationKind.COMMITMENT_OVERDUE:
        return _("Commitment overdue since %(due)s: %(made_by)s (%(campaign)s).") % data
    return _("Overdue since %(due)s: %(target)s, for %(organisation)s (%(campaign)s).") % data


@dataclass(frozen=True)
class NotificationView:
    notification: Notification
    text: str
    url: str


def notification_view(notification: Notification, reader: User | None = None) -> NotificationView:
    """Written for a mail to `reader`, in their language; without one, for the page being shown."""
    with override(reader.language if reader else get_language()):
        actor = notification.entry.actor_label() if notification.entry_id else ""
        return NotificationView(
            notification=notification, text=notification_text(notification, actor), url=settings.SITE_URL + notification.url
        )
