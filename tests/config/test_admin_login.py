from django.contrib.auth.hashers import check_password
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def test_admin_sign_in_goes_through_the_sites_own_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2F"


def test_passwords_posted_to_the_admin_sign_in_are_never_checked(db, client, monkeypatch):
    # So that the admin is no way around the sign-in's rate limits and two-factor step.
    admin = UserFactory(is_staff=True, is_superuser=True)
    checked = []
    monkeypatch.setattr("django.contrib.auth.base_user.check_password", lambda *a, **k: checked.append(a) or check_password(*a, **k))
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert checked == []
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_who_is_not_staff_is_refused_the_admin(db, client):
    client.force_login(UserFactory())
    assert client.get("/admin/login/").status_code == 403


def test_staff_signed_in_through_the_site_reach_the_admin(db, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/login/?next=/admin/").status_code == 302
    assert client.get("/admin/").status_code == 200
