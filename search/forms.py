from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms

from .searching import SORTS


class SearchForm(forms.Form):
    """The query box; filters travel as plain links so the page works without JavaScript."""

    q = forms.CharField(label="Search the archive", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": 'e.g. "armed forces" OR Peskov', "autofocus": True}))
    sort = forms.ChoiceField(label="Sort", choices=[(s, s.capitalize()) for s in SORTS], required=False)

    def __init__(self, *args, hidden: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hidden = hidden or []
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div(Field("q", css_class="form-control-lg"), css_class="col-md-8"),
                Div(Field("sort"), css_class="col-md-2"),
                Div(Submit("", "Search", css_class="btn-primary btn-lg w-100 mt-md-4"), css_class="col-md-2"),
                css_class="row g-2 align-items-start",
            )
        )
