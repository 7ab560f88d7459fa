from django.urls import path

from .views import letters, signing, verify

# Under c/<slug>/campaigns/<campaign_slug>/letters/
campaign_urls = [
]

# Under organisations/<organisation_id>/signing/
organisation_urls = [
]

# Public: anyone holding a finalised letter may check it.
public_urls = [
]
