from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms

from .searching import SORTS


class SearchForm(forms.Form):
    """The query box; filters travel as plain links so the page works without JavaScript."""

    q = forms.CharField(label="Search the archive", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": 'e.g. "armed forces" OR Peskov', "autofocus": True}))
    sort = forms.ChoiceField(label="Sort", choices=[(s, s.capitalize()) for s in SORTS], required=False)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    collapse = forms.BooleanField(label="Collapse copies: one result per syndicated text", required=False, widget=forms.CheckboxInput(attrs={"value": "1"}))

    def add_prefix(self, field_name: str) -> str:
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)

    def __init__(self, *args, hidden: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hidden = hidden or []
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div(Field("q", css_class="form-control-lg"), css_class="col-md-10"),
                Div(Submit("", "Search", css_class="btn-primary btn-lg w-100 mt-md-4"), css_class="col-md-2"),
                css_class="row g-2 align-items-start",
            ),
            HTML('<details class="advanced mb-2"{% if form.data.from or form.data.to or form.data.sort or form.data.collapse %} open{% endif %}><summary>Advanced: dates, sorting, copies</summary>'),
            Div(
                Div(Field("date_from"), css_class="col-6 col-md-3"),
                Div(Field("date_to"), css_class="col-6 col-md-3"),
                Div(Field("sort"), css_class="col-md-3"),
                Div(HTML('<a class="d-inline-block mt-md-4 pt-md-2" href="{% url \'help_search\' %}">Query guide</a>'), css_class="col-md-3"),
                Div(Field("collapse"), css_class="col-12"),
                css_class="row g-2",
            ),
            HTML("</details>"),
        )
