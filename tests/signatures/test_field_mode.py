"""Field mode: a coalition member's phone at a stall records many people's signatures behind one
address; each counts at once, is attributed to the collector, is still deduped, and the
collector has an allowance of their own."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coalitions.mail import mail_payload
from coalitions.models import OutboxMessage
from signatures import services
from signatures.models import Held, PetitionStatus, Signature
from signatures.selectors import petition_counts

FIELD = "/p/ratify-c189/field/"
STALL_IP = "203.0.113.80"


def person(email="", **overrides):
    return {"name": "Lakshmi Amma", "email": email, "region": "Kerala", "visibility": "counted", **overrides}


@pytest.fixture
def collector(client, world):
    client.force_login(world.member_staff)
    return world.member_staff


def collect(client, data):
    return client.post(FIELD, data, REMOTE_ADDR=STALL_IP)


# Who may collect -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("outsider", 403), ("other_lead", 403), ("observer", 403), ("member_staff", 200),
     ("org_admin", 200), ("lead", 200)],
)  # fmt: skip
def test_who_may_open_field_mode(client_for, world, petition, role, expected):
    response = client_for(world.user(role)).get(FIELD)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["anonymous", "outsider", "other_lead", "observer"])
def test_those_who_may_not_collect_record_nothing(client_for, world, petition, role):
    client_for(world.user(role)).post(FIELD, person("someone@example.org"))
    assert not Signature.objects.exists() and not OutboxMessage.objects.exists()


def test_the_service_refuses_a_collector_outside_the_coalition(petition, world):
    for user, error in [(world.observer, PermissionDenied), (world.other_lead, Http404)]:
        with pytest.raises(error):
            services.petition_sign(
                petition=petition, ip=STALL_IP, channel="field", collector=user, **{**person(), "opt_ins": []}
            )
    assert not Signature.objects.exists()


# What a collected signature is ----------------------------------------------------------------------------


def test_a_collected_signature_counts_at_once_and_names_its_collector(client, petition, collector):
    response = collect(client, person("lakshmi@example.org"))
    assert response.status_code == 303 and response["Location"] == FIELD
    signature = Signature.objects.get()
    assert (signature.channel, signature.collector, signature.held) == ("field", collector, "")
    assert signature.confirmed_at is not None
    services.tallies_add_confirmed()
    assert petition_counts(petition).field == 1


def test_after_each_signature_the_empty_form_names_the_signer_but_never_their_address(client, petition, collector):
    response = collect(client, person("lakshmi@example.org"))
    page = client.get(response["Location"]).content.decode()
    assert "Signature of Lakshmi Amma recorded." in page
    assert "lakshmi@example.org" not in page
    assert 'value="Lakshmi Amma"' not in page
    assert "Signature of Lakshmi Amma recorded." not in client.get(FIELD).content.decode()


def test_the_signer_gets_a_mail_with_their_erasure_link_and_no_confirmation_step(client, petition, collector):
    collect(client, person("lakshmi@example.org"))
    [mail] = [mail_payload(message.payload) for message in OutboxMessage.objects.all()]
    assert mail["to"] == ["lakshmi@example.org"]
    assert "/p/ratify-c189/erase/" in mail["body"] and "/confirm/" not in mail["body"]
    assert "Your signature is counted" in mail["subject"]


def test_the_address_is_optional_in_the_field(client, petition, collector):
    collect(client, person(name="Radha"))
    collect(client, person(name="Kamala"))
    assert sorted(Signature.objects.values_list("name", "canonical_email")) == [("Kamala", ""), ("Radha", "")]
    assert not OutboxMessage.objects.exists()


def test_collected_signatures_are_still_deduped_by_address(client, petition, collector):
    services.petition_sign(petition=petition, ip="198.51.100.1", opt_ins=[], **person("Lakshmi.Amma@gmail.com"))
    collect(client, person("lakshmiamma+stall@gmail.com"))
    signature = Signature.objects.get()
    assert signature.channel == "online"
    assert client.get(FIELD).status_code == 200


def test_a_bad_address_shows_the_form_again_with_everything_typed(client, petition, collector):
    response = collect(client, person("not-an-address", name="Radha Krishnan"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html and 'value="Radha Krishnan"' in html
    assert not Signature.objects.exists()


@pytest.mark.parametrize("status", [PetitionStatus.PAUSED, PetitionStatus.CLOSED])
def test_a_petition_not_open_collects_nothing(client, petition, collector, status):
    petition.status = status
    petition.save()
    response = collect(client, person("lakshmi@example.org"))
    assert response.status_code == 200
    assert "<form" not in response.content.decode().split("<main>")[1]
    assert not Signature.objects.exists()


# The collector's own allowance ------------------------------------------------------------------------------


def test_one_stall_address_collects_far_more_than_one_visitor_may_sign(client, petition, collector, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 2
    for n in range(10):
        collect(client, person(f"p{n}@example.org", name=f"Person {n}"))
    assert Signature.objects.filter(held="").count() == 10


def test_the_collector_has_an_allowance_of_their_own(client, petition, collector, settings):
    settings.SIGNATURES_PER_COLLECTOR_PER_10_MIN = 3
    for n in range(5):
        collect(client, person(f"p{n}@example.org", name=f"Person {n}"))
    assert list(Signature.objects.order_by("pk").values_list("held", flat=True)) == ["", "", "", Held.RATE, Held.RATE]
    assert OutboxMessage.objects.count() == 3


def test_collecting_leaves_the_stall_addresss_own_allowance_alone(client, petition, collector, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 1
    for n in range(3):
        collect(client, person(f"p{n}@example.org", name=f"Person {n}"))
    services.petition_sign(petition=petition, ip=STALL_IP, opt_ins=[], **person("visitor@example.org"))
    assert Signature.objects.get(canonical_email="visitor@example.org").held == ""


def test_each_collector_has_their_own_allowance(client_for, petition, world, settings):
    settings.SIGNATURES_PER_COLLECTOR_PER_10_MIN = 1
    for n, user in enumerate([world.member_staff, world.org_admin]):
        client_for(user).post(FIELD, person(f"p{n}@example.org"), REMOTE_ADDR=STALL_IP)
    assert list(Signature.objects.values_list("held", flat=True)) == ["", ""]


def test_a_throwaway_address_collected_in_person_is_not_held(client, petition, collector):
    collect(client, person("stall@mailinator.com"))
    assert Signature.objects.get().held == ""
