from django.urls import path

from . import views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("help/search", views.help_search, name="help_search"),
    path("api/search", views.api_search, name="api_search"),
    path("api/articles/<int:pk>", views.api_article, name="api_article"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.jsonl", views.export_jsonl, name="export_jsonl"),
]
