from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.access import get_campaign_for_user, get_commitment_for_user, may_change_commitment
from campaigns.forms.commitments import CommitmentEditForm, CommitmentForm, CommitmentStatusForm
from coalitions.errors import DomainError


def _record_form(campaign, data=None) -> CommitmentForm:
    today = timezone.localdate()
    return CommitmentForm(
        data, access=campaign.access, targets=list(campaign.targets.order_by("name")),
        partners=selectors.partner_organisations(campaign.coalition), initial={"made_on": today},
    )


def _status_form(commitment, data=None) -> CommitmentStatusForm:
    return CommitmentStatusForm(data, prefix=f"c{commitment.pk}")


def _ledger_page(request, campaign, *, record_form=None, status_form=None, failed=None):
    """The ledger; a refused form comes back bound where it was, so nothing typed is lost."""
    access = campaign.access
    ledger = selectors.commitment_ledger(campaign, timezone.localdate())
    for commitment in [*ledger.overdue, *ledger.pending, *ledger.settled]:
        commitment.campaign = campaign
        commitment.may_change = may_change_commitment(access, commitment)
        if commitment.may_change:
            commitment.status_form = status_form if failed == commitment.pk else _status_form(commitment)
    if access.can_act and record_form is None:
        record_form = _record_form(campaign)
    return render(
        request,
        "campaigns/commitments.html",
        {
            "coalition": campaign.coalition, "campaign": campaign, "access": access, "ledger": ledger,
            "record_form": record_form, "failed": failed,
            "settled_open": any(commitment.pk == failed for commitment in ledger.settled),
        },
    )


@login_required
def commitment_list(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    return _ledger_page(request, campaign)


@login_required
@require_POST
def commitment_create(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need="act")
    form = _record_form(campaign, request.POST)
    if form.is_valid():
        try:
            commitment = services.commitment_record(campaign=campaign, by=request.user, **form.service_fields())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The commitment is on the ledger."))
            return redirect(services.commitment_path(commitment))
    return _ledger_page(request, campaign, record_form=form)


def _commitment_for_change(request, slug: str, campaign_slug: str, commitment_id: int):
    commitment = get_commitment_for_user(request.user, slug, campaign_slug, commitment_id, need="act")
    if not may_change_commitment(commitment.campaign.access, commitment):
        raise PermissionDenied
    return commitment


@login_required
@require_POST
def commitment_status(request, slug: str, campaign_slug: str, commitment_id: int):
    commitment = _commitment_for_change(request, slug, campaign_slug, commitment_id)
    form = _status_form(commitment, request.POST)
    if form.is_valid():
        try:
            services.commitment_status_set(commitment=commitment, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The commitment of %(made_by)s is now marked “%(status)s”.")
                % {"made_by": commitment.made_by, "status": commitment.get_status_display()},
            )
            return redirect(services.commitment_path(commitment))
    return _ledger_page(request, commitment.campaign, status_form=form, failed=commitment.pk)


@login_required
def commitment_edit(request, slug: str, campaign_slug: str, commitment_id: int):
    commitment = _commitment_for_change(request, slug, campaign_slug, commitment_id)
    initial = {name: getattr(commitment, name) for name in services.COMMITMENT_FIELDS}
    form = CommitmentEditForm(request.POST or None, commitment=commitment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_update(commitment=commitment, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The commitment has been saved."))
            return redirect(services.commitment_path(commitment))
    campaign = commitment.campaign
    return render(
        request, "campaigns/commitment_form.html",
        {"coalition": campaign.coalition, "campaign": campaign, "commitment": commitment, "form": form},
    )
