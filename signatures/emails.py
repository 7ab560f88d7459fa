"""One person, one signature: the form of an address under which its variants collide."""

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def canonical_email(address: str) -> str:
    """Lower-cased, without a `+tag`; Gmail's dots dropped (they are ignored there) and one domain."""
    address = address.strip().lower()
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"
