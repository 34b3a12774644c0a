"""Accounts for researchers: Django's auth views at /accounts/, sign-up where ARCHIVE_SIGNUP is "open"
(confirmed by email), invitations by editors (the researcher chooses a password from the email)."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/\S+)", message.body).group(1)


def test_login_url_is_the_public_login_page_and_login_logout_work(users, client):
    assert reverse(settings.LOGIN_URL) == "/accounts/login/"
    page = client.get("/accounts/login/?next=/saved/")
    assert page.status_code == 200 and 'name="next" value="/saved/"' in page.content.decode()
    assert "by invitation" in page.content.decode()  # the default: ARCHIVE_SIGNUP=invite
    wrong = client.post("/accounts/login/", {"username": "ann", "password": "wrong"})
    assert wrong.status_code == 200 and "correct username and password" in wrong.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "ann", "password": "ann-secret-1", "next": "/saved/"}
    )
    assert response.status_code == 302 and response["Location"] == "/saved/"
    assert 'data-testid="account-link"' in client.get("/").content.decode()
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert client.get("/saved/").status_code == 302


def test_sign_up_is_closed_by_default(committed_db, client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 403 and "invitation" in response.content.decode()
    client.post(
        "/accounts/signup/",
        {
            "username": "mallory",
            "email": "m@example.org",
            "password1": "a-long-pass-99",
            "password2": "a-long-pass-99",
        },
    )
    assert not User.objects.filter(username="mallory").exists()


def test_open_sign_up_confirms_the_address_first(committed_db, client, settings, mailoutbox):
    settings.ARCHIVE_SIGNUP = "open"
    assert "Sign up" in client.get("/accounts/login/").content.decode()
    data = {
        "username": "rita",
        "email": "rita@example.org",
        "password1": "a-long-pass-99",
        "password2": "a-long-pass-99",
    }
    assert client.post("/accounts/signup/", data).status_code == 200
    rita = User.objects.get(username="rita")
    assert not rita.is_active and not client.login(username="rita", password="a-long-pass-99")
    assert mailoutbox[0].to == ["rita@example.org"]
    link = link_in(mailoutbox[0])
    assert client.get(link)["Location"] == "/accounts/"
    rita.refresh_from_db()
    assert rita.is_active and client.get("/accounts/").status_code == 200
    client.logout()
    assert client.get(link).status_code == 400  # used once
    again = client.post("/accounts/signup/", {**data, "username": "rita2"})
    assert again.status_code == 400 and "exists already" in again.content.decode()


def test_an_editor_invites_and_the_researcher_chooses_a_password(users, login, client, mailoutbox):
    editor = login(users["eve"])
    response = editor.post("/accounts/invite/", {"email": "sam@example.org", "username": "sam"})
    assert response.status_code == 302
    sam = User.objects.get(username="sam")
    assert not sam.has_usable_password() and sam.email == "sam@example.org"
    assert mailoutbox[0].to == ["sam@example.org"] and "eve" in mailoutbox[0].body
    taken = editor.post("/accounts/invite/", {"email": "SAM@example.org", "username": "sam2"})
    assert taken.status_code == 400
    editor.logout()
    form = client.get(link_in(mailoutbox[0]), follow=True)
    assert "new_password1" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "sams-new-pass-42", "new_password2": "sams-new-pass-42"}
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert client.login(username="sam", password="sams-new-pass-42")


def test_password_reset_and_change_use_the_sites_pages(users, client, login, mailoutbox):
    assert (
        client.post("/accounts/password_reset/", {"email": "ann@example.org"})["Location"]
        == "/accounts/password_reset/done/"
    )
    assert "/accounts/reset/" in mailoutbox[0].body
    page = login(users["ann"]).get("/accounts/password_change/")
    assert (
        page.status_code == 200
        and "News archive" in page.content.decode()
        and "Django administration" not in page.content.decode()
    )
