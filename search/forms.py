"""The search form's fields; its layout is a template (`templates/includes/search_form.html`)."""

from __future__ import annotations

from django import forms

from .params import SearchParams
from .searching import SEARCH

FORM_PARAMS = {
    "q",
    "sort",
    "from",
    "to",
    "collapse",
    "page",
}  # what the form itself sends (a new search starts at page 1)


class SearchForm(forms.Form):
    """The query box and the Advanced disclosure; the other parameters of the current search (facets,
    chart, page size) travel as hidden fields, so a new query keeps its filters."""

    q = forms.CharField(
        label="Search the archive",
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": 'e.g. "armed forces" OR Peskov', "autofocus": True}
        ),
    )
    sort = forms.ChoiceField(
        label="Sort", choices=[(s, s.capitalize()) for s in SEARCH.sorts], required=False
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    collapse = forms.BooleanField(
        label="Collapse copies: one result per syndicated text",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    def __init__(self, *args, params: SearchParams | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hidden = [
            (name, value)
            for name, value in (params.query_items() if params else [])
            if name not in FORM_PARAMS
        ]

    def add_prefix(self, field_name: str) -> str:
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)

    @property
    def advanced_open(self) -> bool:
        return any(self.data.get(name) for name in ("from", "to", "sort", "collapse"))
