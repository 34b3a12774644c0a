"""Researchers' accounts: invited by an editor, or signed up where `ARCHIVE_SIGNUP` is "open".

Both end in an email with a link carrying Django's signed, expiring token, so an address is only used
once its owner has opened it: an invitation links to Django's set-password view (the account has no
usable password until then); a sign-up makes an inactive account that the link activates.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class ActivationTokens(PasswordResetTokenGenerator):
    """Tokens that stop working once the account is active (Django's reset tokens ignore `is_active`)."""

    key_salt = "alerts.accounts.ActivationTokens"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


activation_tokens = ActivationTokens()


def signup_open() -> bool:
    return settings.ARCHIVE_SIGNUP == "open"


def _link(user, *, view: str, tokens: PasswordResetTokenGenerator, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return base_url + reverse(view, kwargs={"uidb64": uid, "token": tokens.make_token(user)})


def _send(user, *, template: str, subject: str, **context) -> None:
    EmailMessage(
        subject=subject, body=render_to_string(template, {"user": user, **context}), to=[user.email]
    ).send()


def account_invite(*, username: str, email: str, invited_by, base_url: str):
    """An account for a researcher, with no usable password until they choose one from the email."""
    with transaction.atomic():  # no email, no account
        user = get_user_model().objects.create_user(username=username, email=email)  # no password: unusable
        link = _link(user, view="password_reset_confirm", tokens=default_token_generator, base_url=base_url)
        _send(
            user,
            template="accounts/invitation_email.txt",
            subject="Your account at the news archive",
            link=link,
            invited_by=invited_by,
        )
    return user


def account_signup(*, username: str, email: str, password: str, base_url: str):
    """An inactive account, activated by the link in the email that confirms the address."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password, is_active=False
        )
        link = _link(user, view="account_activate", tokens=activation_tokens, base_url=base_url)
        _send(
            user,
            template="accounts/activation_email.txt",
            subject="Confirm your account at the news archive",
            link=link,
        )
    return user


def account_activate(*, uidb64: str, token: str):
    """The account the link names, activated; None for a link that is wrong, expired or already used."""
    try:
        user = get_user_model().objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    if not activation_tokens.check_token(user, token):  # an active account's tokens no longer check
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
