"""The forms of accounts and saved searches; their layouts are templates."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.validators import UnicodeUsernameValidator


def _unused_email(email: str) -> str:
    email = get_user_model().objects.normalize_email(email.strip())
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise forms.ValidationError(
            "An account with this email address exists already; log in, or reset its password."
        )
    return email


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label="Email address", help_text="Alerts go here; we send a link to confirm it.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        return _unused_email(self.cleaned_data["email"])


class InviteForm(forms.Form):
    email = forms.EmailField(label="The researcher's email address")
    username = forms.CharField(
        label="User name",
        max_length=150,
        help_text="What they log in with.",
        validators=[UnicodeUsernameValidator()],
    )

    def clean_email(self) -> str:
        return _unused_email(self.cleaned_data["email"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("This user name is taken.")
        return username


class SavedSearchForm(forms.Form):
    """Save a search: its query string travels from the search page as a hidden field."""

    name = forms.CharField(label="Name", max_length=200)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    alerts = forms.BooleanField(label="Email me new matches", required=False)


class SavedChangeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    alerts = forms.ChoiceField(choices=[("", "unchanged"), ("on", "on"), ("off", "off")], required=False)
