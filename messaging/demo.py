"""Demo discussions: the India coalition working on state laws, and the Bangladesh coalition,
partly in Bengali, with mentions and a reply about a task. Posted through the services."""

from campaigns.demo import BANGLADESH, INDIA
from campaigns.models import Campaign
from coalitions import demo as coalition_demo

from . import services

INDIA_MESSAGES = [
    ("ndwm", "The Tamil Nadu welfare board meets on the 15th. Who can come with us? @AREDS you know the secretary."),
    ("areds", "Yes, two of our women's collective leaders will come. We bring the *registration* figures from Dindigul."),
    ("cftui", "Our Kerala unit met the labour committee yesterday: they want **a draft** of the amendment. See https://www.ilo.org/c189"),
]
BANGLADESH_MESSAGES = [
    ("bnwlrn", "Kurigram Union Parishad chairs asked for the equal-pay figures by district. @KSU can you send yours?"),
    ("bncwf", "কুড়িগ্রামে আমাদের ফোরামের সভা শুক্রবার। মজুরির হিসাব আমরা সেখানে তুলব। @WLRN"),
]


def load() -> None:
    for coalition, slug, messages in ((INDIA, "state-laws", INDIA_MESSAGES), (BANGLADESH, "equal-pay", BANGLADESH_MESSAGES)):
        campaign = Campaign.objects.filter(coalition__slug=coalition, slug=slug).first()
        if campaign is None or campaign.messages.exists():
            continue
        for login, body in messages:
            user = coalition_demo.demo_user(login)
            organisation = coalition_demo.demo_organisation(coalition_demo.PEOPLE[login][0])
            services.message_post(campaign=campaign, by=user, organisation=organisation, body=body)
