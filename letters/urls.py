from django.urls import path

from .views import letters, signing, verify

# Under c/<slug>/campaigns/<campaign_slug>/letters/
campaign_urls = [
    path("", letters.letter_list, name="letter_list"),
    path("new/", letters.letter_create, name="letter_create"),
    path("<int:letter_id>/", letters.letter_detail, name="letter_detail"),
    path("<int:letter_id>/edit/", letters.letter_edit, name="letter_edit"),
    path("<int:letter_id>/versions/<int:number>/", letters.letter_version, name="letter_version"),
    path("<int:letter_id>/changes/", letters.letter_diff, name="letter_diff"),
    path("<int:letter_id>/decide/", letters.letter_decide, name="letter_decide"),
    path("<int:letter_id>/remind/", letters.letter_remind, name="letter_remind"),
    path("<int:letter_id>/finalise/", letters.letter_finalise, name="letter_finalise"),
    path("<int:letter_id>/draft.pdf", letters.letter_draft_pdf, name="letter_draft_pdf"),
    path("<int:letter_id>/letter.pdf", letters.letter_final_pdf, name="letter_final_pdf"),
    path("<int:letter_id>/deliveries/", letters.letter_delivery_create, name="letter_delivery_create"),
    path(
        "<int:letter_id>/deliveries/<int:delivery_id>/response/", letters.letter_response_record,
        name="letter_response_record",
    ),
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

# Public, under v/: anyone holding a finalised letter may check it.
public_urls = [
    path("", verify.verify_index, name="verify_index"),
    path("<str:code>/", verify.letter_verify, name="letter_verify"),
]
