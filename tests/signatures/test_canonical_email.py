import pytest

from signatures.emails import canonical_email


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("Asha@Example.ORG", "asha@example.org"),
        ("asha+petition@example.org", "asha@example.org"),
        ("asha+a+b@example.org", "asha@example.org"),
        ("a.sha@example.org", "a.sha@example.org"),
        ("A.Sha+c189@GMail.com", "asha@gmail.com"),
        ("a.s.h.a@googlemail.com", "asha@gmail.com"),
        ("  asha@example.org ", "asha@example.org"),
    ],
)
def test_variants_of_one_address_share_one_canonical_form(address, canonical):
    assert canonical_email(address) == canonical


def test_dots_matter_outside_gmail():
    assert canonical_email("a.sha@example.org") != canonical_email("asha@example.org")
