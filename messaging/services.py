"""Every change to a campaign's discussion, and to what a person has read of their notifications, happens here."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Task
from coalitions.access import check_coalition_access
from coalitions.audit import audit_record
from coalitions.errors import DomainError
from coalitions.models import Affiliation, Notification, NotificationKind, Organisation, Participation, User
from coalitions.notices import Notice, notifications_changed
from letters.models import LetterVersion

from .models import EDIT_WINDOW_MINUTES, DiscussionMessage
from .text import mentions

MAX_LENGTH = 4000


def _record(message: DiscussionMessage, by: User, action: str, notices=()) -> None:
    campaign = message.campaign
    audit_record(
        coalition=campaign.coalition, actor=by, action=action,
        data={"campaign": campaign.title, "organisation": message.organisation.short_name},
        topics=[f"campaign:{campaign.pk}", f"discussion:{campaign.pk}"], notices=notices,
    )


def _clean(body: str) -> str:
    body = body.strip()
    if not body:
        raise DomainError(_("Please write your message."))
    if len(body) > MAX_LENGTH:
        raise DomainError(_("A message is at most %(count)s characters long.") % {"count": MAX_LENGTH})
    return body


def _mention(message: DiscussionMessage) -> list[Notice]:
    """Who the message names, among the coalition's organisations and their people; they are told.

    One key per message: a person named and also in a named organisation hears of it once, by
    name, and an edit that keeps a mention tells nobody again."""
    acronyms, names = mentions(message.body)
    coalition_id = message.campaign.coalition_id
    in_coalition = Participation.objects.filter(coalition_id=coalition_id).values("organisation")
    organisations = Organisation.objects.filter(pk__in=in_coalition, acronym__in=acronyms) if acronyms else []
    people = (
        User.objects.filter(
            display_name__in=names, is_active=True,
            pk__in=Affiliation.objects.filter(organisation__in=in_coalition).values("user"),
        )
        if names else []
    )
    message.mentioned_organisations.set(organisations)
    message.mentioned_people.set(people)
    campaign = message.campaign
    url = reverse("discussion", args=[campaign.coalition.slug, campaign.slug]) + f"#message-{message.pk}"
    key = f"mention:{message.pk}"
    notices = [
        Notice(kind=NotificationKind.MENTION, key=key, url=url, data={"campaign": campaign.title}, users=frozenset(p.pk for p in people))
    ]
    notices += [
        Notice(
            kind=NotificationKind.MENTION, key=key, url=url, organisations=frozenset([organisation.pk]),
            data={"campaign": campaign.title, "organisation": organisation.short_name},
        )
        for organisation in organisations
    ]
    return notices


@transaction.atomic
def message_post(
    *, campaign: Campaign, by: User, organisation: Organisation, body: str, task: Task | None = None,
    letter_version: LetterVersion | None = None,
) -> DiscussionMessage:
    """Everyone of the coalition may take part, observers too: they decide nothing, but are heard."""
    access = check_coalition_access(by, campaign.coalition, "view")
    if organisation.pk not in access.organisation_ids:
        raise PermissionDenied
    if task is not None and task.campaign_id != campaign.pk:
        raise PermissionDenied
    if letter_version is not None and letter_version.letter.campaign_id != campaign.pk:
        raise PermissionDenied
    message = DiscussionMessage.objects.create(
        campaign=campaign, author=by, organisation=organisation, body=_clean(body), task=task,
        letter_version=letter_version,
    )
    _record(message, by, "message.posted", notices=_mention(message))
    return message


def _changeable(message: DiscussionMessage, by: User) -> DiscussionMessage:
    check_coalition_access(by, message.campaign.coalition, "view")
    locked = DiscussionMessage.objects.select_for_update().get(pk=message.pk)
    if locked.author_id != by.pk:
        raise PermissionDenied
    if not locked.may_change(by, timezone.now()):
        raise DomainError(
            _("A message can be changed or deleted only in the %(minutes)s minutes after it was sent.")
            % {"minutes": EDIT_WINDOW_MINUTES}
        )
    return locked


@transaction.atomic
def message_edit(*, message: DiscussionMessage, by: User, body: str) -> DiscussionMessage:
    locked = _changeable(message, by)
    body = _clean(body)
    if body == locked.body:
        return locked
    message.body, message.edited_at = body, timezone.now()
    message.save(update_fields=["body", "edited_at"])
    _record(message, by, "message.edited", notices=_mention(message))
    return message


@transaction.atomic
def message_delete(*, message: DiscussionMessage, by: User) -> None:
    """What was written goes; the place it had in the discussion says it was deleted."""
    _changeable(message, by)
    message.body, message.deleted_at = "", timezone.now()
    message.save(update_fields=["body", "deleted_at"])
    message.mentioned_organisations.clear()
    message.mentioned_people.clear()
    _record(message, by, "message.deleted")


# Notifications -------------------------------------------------------------------------------


def _recount(user: User) -> None:
    """Counted again rather than decremented: two tabs marking the same one read count it once."""
    unread = Notification.objects.filter(user=user, read_at=None).count()
    User.objects.filter(pk=user.pk).update(unread_notifications=unread)
    user.unread_notifications = unread
    transaction.on_commit(lambda: notifications_changed([user.pk]))


@transaction.atomic
def notification_open(*, notification: Notification, by: User) -> Notification:
    if notification.user_id != by.pk:
        raise PermissionDenied
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
        _recount(by)
    return notification


@transaction.atomic
def notifications_read_all(*, by: User) -> int:
    count = Notification.objects.filter(user=by, read_at=None).update(read_at=timezone.now())
    _recount(by)
    return count
