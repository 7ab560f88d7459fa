from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .access import get_coalition_for_user
from .balance import PRESETS, coalition_balance
from .balance_chart import balance_chart
from .forms import BalancePeriodForm


@login_required
def coalition_balance_page(request, slug: str):
    """Every partner may see it, observers too: how power is shared is the partnership's own business."""
    coalition = get_coalition_for_user(request.user, slug)
    form = BalancePeriodForm(request.GET, today=timezone.localdate(), zone=timezone.get_current_timezone())
    period = form.period()
    balance = coalition_balance(coalition=coalition, period=period) if period else None
    here = reverse("coalition_balance", args=[coalition.slug])
    return render(
        request,
        "coalitions/balance.html",
        {
            "coalition": coalition,
            "access": coalition.access,
            "form": form,
            "period": period,
            "presets": [(key, label, f"{here}?{urlencode({'period': key})}") for key, label in PRESETS.items()],
            "balance": balance,
            "chart": balance_chart(balance) if balance else None,
        },
    )
