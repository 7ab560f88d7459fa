from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.reminders import reminder_digests_send
from coalitions.models import AuditEntry, MailPreference, Notification, NotificationKind, OutboxMessage, User
from coalitions.outbox import outbox_drain
from letters import services as letter_services
from messaging import services
from tests.factories import CampaignFactory, TargetFactory
from tests.letters.conftest import letter_fields

TODAY = date(2026, 12, 3)


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition, title="Ratify ILO C189", slug="c189")


@pytest.fixture
def target(campaign):
    return TargetFactory(campaign=campaign, name="Ministry of Labour")


def _plan(world, campaign, target, organisation=None, assignee=None, due_on=date(2026, 12, 20), by=None):
    return campaign_services.task_plan(
        campaign=campaign, by=by or world.lead, target=target, organisation=organisation or world.member_org,
        channel="meeting", due_on=due_on, assignee=assignee, acknowledge_overlap=True,
    )


def _notified(kind=None) -> set[int]:
    notifications = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return set(notifications.values_list("user_id", flat=True))


def _unread(user) -> int:
    return User.objects.get(pk=user.pk).unread_notifications


def _mails(mailoutbox, user) -> list:
    return [mail for mail in mailoutbox if user.email in mail.to]


def _prefer(user, preference):
    User.objects.filter(pk=user.pk).update(notification_mail=preference)
    user.refresh_from_db()


# Who hears of what ------------------------------------------------------------------------------


def test_a_task_given_to_an_organisation_tells_its_people_but_not_whoever_gave_it(world, campaign, target):
    _plan(world, campaign, target, by=world.org_admin)

    assert _notified(NotificationKind.TASK_ASSIGNED) == {world.member_staff.pk}
    assert _unread(world.member_staff) == 1 and _unread(world.org_admin) == 0 and _unread(world.lead) == 0


def test_a_task_given_to_a_person_tells_only_them(world, campaign, target):
    task = _plan(world, campaign, target, assignee=world.member_staff)

    notification = Notification.objects.get()
    assert notification.user == world.member_staff
    assert notification.data["personal"] is True
    assert notification.url == reverse("task_edit", args=[world.coalition.slug, campaign.slug, task.pk])


def test_giving_the_task_to_someone_else_tells_the_new_person_once(world, campaign, target):
    task = _plan(world, campaign, target, assignee=world.member_staff)
    campaign_services.task_update(task=task, by=world.lead, assignee=world.org_admin)
    campaign_services.task_update(task=task, by=world.lead, notes="Bring the fact sheet.")

    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted([world.member_staff.pk, world.org_admin.pk])


def test_a_mention_tells_the_person_named_and_the_people_of_the_organisation_named_once_each(world, campaign):
    world.member_staff.display_name = "Asha Devi"
    world.member_staff.save()
    acronym = world.member_org.acronym or world.member_org.short_name
    message = services.message_post(
        campaign=campaign, by=world.lead, organisation=world.lead_org, body=f'@"Asha Devi" and @{acronym}: who calls the MPs?',
    )
    services.message_edit(message=message, by=world.lead, body=f'@"Asha Devi" and @{acronym}: who calls the MPs from Kerala?')

    mentions = Notification.objects.filter(kind=NotificationKind.MENTION)
    assert sorted(mentions.values_list("user_id", flat=True)) == sorted([world.member_staff.pk, world.org_admin.pk])
    assert not mentions.get(user=world.member_staff).data.get("organisation")
    assert mentions.get(user=world.org_admin).url.endswith(f"#message-{message.pk}")
    assert _unread(world.member_staff) == 1


def test_nobody_outside_the_coalition_is_told_of_a_mention(world, campaign):
    other = world.other_lead.affiliations.get().organisation
    services.message_post(
        campaign=campaign, by=world.lead, organisation=world.lead_org, body=f"@{other.acronym or other.short_name} should know",
    )
    assert not Notification.objects.exists()
    assert _unread(world.other_lead) == 0


def test_a_new_letter_asks_the_people_who_may_approve_for_each_co_signer(world, campaign, target):
    letter = letter_services.letter_create(
        campaign=campaign, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, True)]),
    )
    asked = Notification.objects.filter(kind=NotificationKind.APPROVAL_REQUESTED)
    assert world.org_admin.pk in _notified(NotificationKind.APPROVAL_REQUESTED)
    assert world.lead.pk not in _notified(NotificationKind.APPROVAL_REQUESTED)
    assert {n.data["organisation"] for n in asked} <= {world.member_org.short_name, world.lead_org.short_name}
    assert all(n.url == letter_services.letter_url(letter) for n in asked)


# Mail, as each person chose ---------------------------------------------------------------------


def test_someone_who_asked_for_mail_at_once_gets_one_when_the_change_commits(
    world, campaign, target, mailoutbox, django_capture_on_commit_callbacks
):
    _prefer(world.member_staff, MailPreference.IMMEDIATELY)
    with django_capture_on_commit_callbacks(execute=True):
        _plan(world, campaign, target, assignee=world.member_staff)
    outbox_drain()

    [mail] = _mails(mailoutbox, world.member_staff)
    assert "Ministry of Labour" in mail.body and "Ratify ILO C189" in mail.body
    assert Notification.objects.get().mailed_at is not None


def test_the_daily_mail_carries_what_concerned_the_person_and_only_once(world, campaign, target, mailoutbox, settings):
    settings.SITE_URL = "https://coalition.example"
    _plan(world, campaign, target, assignee=world.member_staff)
    assert OutboxMessage.objects.count() == 0  # daily is the default: nothing at once

    reminder_digests_send(today=TODAY)
    outbox_drain()
    [mail] = _mails(mailoutbox, world.member_staff)
    assert "gave you a task in Ratify ILO C189: Ministry of Labour" in mail.body
    assert "https://coalition.example" + Notification.objects.get().url in mail.body

    mailoutbox.clear()
    reminder_digests_send(today=TODAY + timedelta(days=1))
    outbox_drain()
    assert _mails(mailoutbox, world.member_staff) == []


def test_someone_who_wants_no_mail_gets_none_but_finds_their_overdue_task_on_the_site(
    world, campaign, target, mailoutbox
):
    _prefer(world.member_staff, MailPreference.NEVER)
    _plan(world, campaign, target, assignee=world.member_staff, due_on=TODAY - timedelta(days=2))

    reminder_digests_send(today=TODAY)
    reminder_digests_send(today=TODAY)
    outbox_drain()

    assert _mails(mailoutbox, world.member_staff) == []
    overdue = Notification.objects.filter(kind=NotificationKind.TASK_OVERDUE, user=world.member_staff)
    assert overdue.count() == 1
    assert _unread(world.member_staff) == 2


def test_the_daily_mail_offers_the_list_to_pass_on_by_whatsapp(world, campaign, target, mailoutbox):
    _plan(world, campaign, target, assignee=world.member_staff, due_on=TODAY)
    reminder_digests_send(today=TODAY)
    outbox_drain()

    [mail] = _mails(mailoutbox, world.member_staff)
    share = next(line for line in mail.body.splitlines() if line.startswith("https://wa.me/?text="))
    assert "Ministry%20of%20Labour" in share and " " not in share


# The page and the header ------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_without_a_query_of_its_own(
    world, campaign, target, client_for, django_assert_num_queries
):
    client = client_for(world.member_staff)
    client.get(reverse("profile"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("profile"))
    _plan(world, campaign, target, assignee=world.member_staff)
    with django_assert_num_queries(len(before.captured_queries)):
        html = client.get(reverse("profile")).content.decode()
    assert 'data-unread-number>1<' in html


def test_opening_a_notification_marks_it_read_and_goes_where_it_points(world, campaign, target, client_for):
    _plan(world, campaign, target, assignee=world.member_staff)
    notification = Notification.objects.get()
    client = client_for(world.member_staff)
    page = client.get(reverse("notifications")).content.decode()
    assert "gave you a task" in page

    response = client.post(reverse("notification_open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None and _unread(world.member_staff) == 0
    assert "already read" in client.get(reverse("notifications")).content.decode()


def test_nobody_opens_another_persons_notification(world, campaign, target, client_for):
    _plan(world, campaign, target, assignee=world.member_staff)
    notification = Notification.objects.get()

    response = client_for(world.org_admin).post(reverse("notification_open", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None and _unread(world.member_staff) == 1


def test_opening_is_a_post_so_a_mail_scanner_following_links_marks_nothing_read(world, campaign, target, client_for):
    _plan(world, campaign, target, assignee=world.member_staff)
    notification = Notification.objects.get()
    assert client_for(world.member_staff).get(reverse("notification_open", args=[notification.pk])).status_code == 405
    assert _unread(world.member_staff) == 1


def test_marking_all_read_empties_the_count(world, campaign, target, client_for):
    _plan(world, campaign, target)
    _plan(world, campaign, TargetFactory(campaign=campaign, name="Prime Minister"))
    assert _unread(world.member_staff) == 2

    client_for(world.member_staff).post(reverse("notifications_read"))

    assert _unread(world.member_staff) == 0
    assert not Notification.objects.filter(user=world.member_staff, read_at=None).exists()
    assert _unread(world.org_admin) == 2


def test_the_notifications_page_takes_the_same_queries_for_few_and_many(world, campaign, client_for, django_assert_num_queries):
    client = client_for(world.member_staff)
    _plan(world, campaign, TargetFactory(campaign=campaign, name="Target 0"))
    client.get(reverse("notifications"))
    with django_assert_num_queries(4) as few:
        client.get(reverse("notifications"))
    for index in range(1, 12):
        _plan(world, campaign, TargetFactory(campaign=campaign, name=f"Target {index}"))
    Notification.objects.filter(pk__in=Notification.objects.filter(user=world.member_staff).values("pk")[:5]).update(
        read_at=AuditEntry.objects.latest("pk").created_at
    )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications"))


def test_notifications_never_show_a_persons_address(world, campaign, target, client_for):
    _plan(world, campaign, target, assignee=world.member_staff, by=world.org_admin)
    html = client_for(world.member_staff).get(reverse("notifications")).content.decode()
    assert world.org_admin.email not in html


def test_a_person_chooses_how_often_mail_comes_and_an_older_form_keeps_the_choice(user, client_for):
    client = client_for(user)
    fields = {"display_name": "Asha", "language": "en", "timezone": "Asia/Kolkata"}
    assert client.post(reverse("profile"), {**fields, "notification_mail": "never"}).status_code == 302
    user.refresh_from_db()
    assert user.notification_mail == MailPreference.NEVER

    client.post(reverse("profile"), fields)
    user.refresh_from_db()
    assert user.notification_mail == MailPreference.NEVER
