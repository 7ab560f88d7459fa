"""Reads of petitions shared by services and pages."""

from .models import Petition, PetitionText


def petition_text_for(petition: Petition, language: str) -> PetitionText | None:
    """The approved text in this language, else in the campaign's, else any approved one.

    A text waiting for a lead's approval is never shown to the public.
    """
    texts = {text.language: text for text in petition.texts.filter(approved_at__isnull=False)}
    return texts.get(language) or texts.get(petition.campaign.language) or next(iter(texts.values()), None)
