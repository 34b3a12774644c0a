from django.urls import path

from . import views

urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity_detail"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("stories/<int:pk>/", views.story_detail, name="story_detail"),
    path("quotes/", views.quote_search, name="quote_search"),
    path("api/quotes", views.api_quotes, name="api_quotes"),
]
