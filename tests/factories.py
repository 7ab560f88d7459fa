from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from coalitions.models import (
    Affiliation,
    AffiliationRole,
    Coalition,
    CoalitionInvitation,
    CoalitionRole,
    Organisation,
    OrganisationKind,
    Participation,
    StaffInvitation,
    User,
)

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    kind = OrganisationKind.NGO
    country = "IN"


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = AffiliationRole.STAFF
    # As the migration that brought in the right to vote left every staff member of the time.
    may_vote = True


class CoalitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coalition

    name = factory.Sequence(lambda n: f"Coalition {n}")
    slug = factory.Sequence(lambda n: f"coalition-{n}")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    coalition = factory.SubFactory(CoalitionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = CoalitionRole.MEMBER


def verified_address(user: User, email: str) -> None:
    """Give `user` a confirmed second address, as an invitee who signed up with another one has."""
    EmailAddress.objects.create(user=user, email=email, verified=True)


def person_in(coalition: Coalition, role: str, *, org_role: str = AffiliationRole.STAFF, organisation=None) -> User:
    """A person whose organisation takes part in `coalition` with `role`."""
    if organisation is None:
        organisation = ParticipationFactory(coalition=coalition, role=role).organisation
    return AffiliationFactory(organisation=organisation, role=org_role).user


class _InvitationFactory(factory.django.DjangoModelFactory):
    """The plain token is kept on the instance as `.token`, as it would be in the mail."""

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invitation = model_class(*args, **kwargs)
        invitation.token = invitation.issue_token()
        invitation.save()
        return invitation


class CoalitionInvitationFactory(_InvitationFactory):
    class Meta:
        model = CoalitionInvitation

    coalition = factory.SubFactory(CoalitionFactory)
    organisation_name = factory.Sequence(lambda n: f"Invited organisation {n}")
    role = CoalitionRole.MEMBER


class StaffInvitationFactory(_InvitationFactory):
    class Meta:
        model = StaffInvitation

    organisation = factory.SubFactory(OrganisationFactory)
    role = AffiliationRole.STAFF


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Campaign"

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    status = "active"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Target"

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Target {n}")
    kind = "ministry"
    influence = 3


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Task"

    campaign = factory.SubFactory(CampaignFactory)
    target = factory.LazyAttribute(lambda task: TargetFactory(campaign=task.campaign))
    organisation = factory.SubFactory(OrganisationFactory)
    channel = "meeting"
    due_on = factory.LazyFunction(date.today)


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A target's commitment by default; pass `target=None, partner=...` for a partner's own."""

    class Meta:
        model = "campaigns.Commitment"

    campaign = factory.SubFactory(CampaignFactory)
    target = factory.LazyAttribute(lambda commitment: TargetFactory(campaign=commitment.campaign))
    partner = None
    organisation = factory.SubFactory(OrganisationFactory)
    wording = "Table the domestic workers bill in the March session"
    made_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    due_on = factory.LazyFunction(date.today)


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "signatures.Petition"

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"petition-{n}")
    goal = 1000
    status = "open"
    regions = factory.LazyFunction(lambda: ["Kerala", "Tamil Nadu"])


class PetitionTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "signatures.PetitionText"

    petition = factory.SubFactory(PetitionFactory)
    language = "en"
    title = "Ratify ILO Convention 189"
    body = "Domestic workers are workers. Ratify the Convention."
    approved_at = factory.LazyFunction(timezone.now)


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "signatures.Signature"

    petition = factory.SubFactory(PetitionFactory)
    name = factory.Sequence(lambda n: f"Signer {n}")
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    canonical_email = factory.LazyAttribute(lambda s: s.email.lower())
    region = "Kerala"
    token_hash = factory.Sequence(lambda n: f"{n:064x}")


class OutreachLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.OutreachLog"

    task = factory.SubFactory(TaskFactory)
    happened_on = factory.LazyFunction(date.today)
    channel = "meeting"
    outcome = "acknowledged"
    summary = "Met the under-secretary; she will raise it with the minister."


class TextVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.TextVersion"

    campaign = factory.SubFactory(CampaignFactory)
    kind = "ask"
    number = factory.Sequence(lambda n: n + 1)
    body = factory.Sequence(lambda n: f"Ratify ILO Convention 189, wording {n}")
    organisation = factory.SubFactory(OrganisationFactory)


class TextApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.TextApproval"

    version = factory.SubFactory(TextVersionFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ScorecardRoundFactory(factory.django.DjangoModelFactory):
    """A round with no indicators: tests open rounds through the service to get the principles."""

    class Meta:
        model = "coalitions.ScorecardRound"

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Round {n}")
    status = "preparing"


class ActionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coalitions.ActionPoint"

    round = factory.SubFactory(ScorecardRoundFactory, status="closed")
    coalition = factory.LazyAttribute(lambda point: point.round.coalition)
    wording = factory.Sequence(lambda n: f"Share the minutes of meeting {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    due_on = factory.LazyFunction(date.today)
