"""Every change to letters, their versions and approvals, and to organisations' signing assets."""

from django.db import transaction  # noqa: F401


# Letters and versions ------------------------------------------------------------------------


# Signing authority and assets ----------------------------------------------------------------
