from signatures.selectors import petition_text_for
from tests.factories import PetitionFactory, PetitionTextFactory


def test_the_visitors_language_is_shown_once_approved(campaign):
    petition = PetitionFactory(campaign=campaign)
    PetitionTextFactory(petition=petition, language="en", title="Ratify C189")
    PetitionTextFactory(petition=petition, language="bn", title="সি১৮৯ অনুমোদন করুন")
    assert petition_text_for(petition, "bn").title == "সি১৮৯ অনুমোদন করুন"


def test_an_unapproved_translation_falls_back_to_the_campaign_language(campaign):
    campaign.language = "en"
    campaign.save()
    petition = PetitionFactory(campaign=campaign)
    PetitionTextFactory(petition=petition, language="es", title="Ratifiquen")
    PetitionTextFactory(petition=petition, language="en", title="Ratify C189")
    PetitionTextFactory(petition=petition, language="fr", title="Brouillon", approved_at=None)
    assert petition_text_for(petition, "fr").title == "Ratify C189"


def test_a_petition_without_an_approved_text_shows_none(campaign):
    petition = PetitionFactory(campaign=campaign)
    PetitionTextFactory(petition=petition, approved_at=None)
    assert petition_text_for(petition, "en") is None
