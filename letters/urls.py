from django.urls import path

from .views import letters, signing, verify

# Under c/<slug>/campaigns/<campaign_slug>/letters/
campaign_urls = [
]

# Under organisations/<organisation_id>/signing/
organisation_urls = [
    path("", signing.signing_page, name="signing_page"),
    path("authority/grant/", signing.signing_authority_grant, name="signing_authority_grant"),
    path("authority/<int:user_id>/revoke/", signing.signing_authority_revoke, name="signing_authority_revoke"),
    path("signatures/<int:asset_id>/confirm/", signing.signing_asset_confirm, name="signing_asset_confirm"),
    path("signatures/<int:asset_id>/signature.png", signing.signing_asset_image, name="signing_asset_image"),
    path("signatures/<int:asset_id>/withdraw/", signing.signing_asset_retire, name="signing_asset_retire"),
]

# Public: anyone holding a finalised letter may check it.
public_urls = [
]
