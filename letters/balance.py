"""What letters count towards a coalition's balance of power (coalitions/balance.py).

Imported from LettersConfig.ready, which registers the count once.
"""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from coalitions.balance import Side, count_by_organisation, in_period, register_contribution

from .models import Decision, LetterDecision, LetterStatus


def letters_cosigned(coalition, start, end) -> dict[int, int]:
    # A letter is finalised only once every co-signer approved its last version, so those approvals
    # name its co-signers; one withdrawn and given again is still one letter.
    return count_by_organisation(
        LetterDecision.objects.filter(
            in_period("letter__finalised_at", start, end),
            letter__campaign__coalition=coalition, letter__status=LetterStatus.FINAL,
            decision=Decision.APPROVE, version=F("letter__current_version"),
        ),
        distinct="letter",
    )


register_contribution(
    key="letters_cosigned", label=_("Letters co-signed"), side=Side.WORK, count=letters_cosigned,
    note=_("Letters finalised in the period that the organisation signed, named in them or not."),
)
