from django.urls import path

from . import views

urlpatterns = [
    path("concordance", views.concordance_page, name="concordance"),
    path("concordance.csv", views.concordance_csv, name="concordance_csv"),
    path("concordance.jsonl", views.concordance_jsonl, name="concordance_jsonl"),
    path("api/concordance", views.api_concordance, name="api_concordance"),
    path("sets/", views.set_list, name="set_list"),
    path("sets/<int:pk>/", views.set_detail, name="set_detail"),
    path("sets/<int:pk>/rerun", views.set_rerun_page, name="set_rerun"),
    path("sets/<int:pk>/publish", views.set_publish_page, name="set_publish"),
    path("sets/<int:pk>/manifest.jsonl", views.set_manifest, name="set_manifest"),
    path("sets/<int:pk>/export.csv", views.set_export_csv, name="set_export_csv"),
    path("sets/<int:pk>/export.jsonl", views.set_export_jsonl, name="set_export_jsonl"),
    path("sets/<int:pk>/citation.bib", views.set_citation_bibtex, name="set_citation_bibtex"),
    path("sets/<int:pk>/citation.json", views.set_citation_csl, name="set_citation_csl"),
    path("sets/<int:pk>/concordance", views.set_concordance_page, name="set_concordance"),
    path("sets/<int:pk>/concordance.csv", views.set_concordance_csv, name="set_concordance_csv"),
    path("sets/<int:pk>/concordance.jsonl", views.set_concordance_jsonl, name="set_concordance_jsonl"),
    path("api/sets", views.api_sets, name="api_sets"),
    path("api/sets/<int:pk>", views.api_set, name="api_set"),
    path("api/sets/<int:pk>/rerun", views.api_set_rerun, name="api_set_rerun"),
    path("api/sets/<int:pk>/concordance", views.api_set_concordance, name="api_set_concordance"),
    path("api/sets/<int:pk>/publish", views.api_set_publish, name="api_set_publish"),
]
