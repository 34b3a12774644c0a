from django.urls import path

from . import views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("help/search", views.help_search, name="help_search"),
    path("api/search", views.api_search, name="api_search"),
    path("api/articles/<int:pk>", views.api_article, name="api_article"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.jsonl", views.export_jsonl, name="export_jsonl"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity_detail"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("quotes/", views.quote_search, name="quote_search"),
    path("quotes/export.csv", views.quotes_export_csv, name="quotes_export_csv"),
    path("quotes/export.jsonl", views.quotes_export_jsonl, name="quotes_export_jsonl"),
    path("api/quotes", views.api_quotes, name="api_quotes"),
    path("stories/", views.story_list, name="story_list"),
    path("api/stories", views.api_stories, name="api_stories"),
    path("api/stories/<int:pk>", views.api_story, name="api_story"),
]
