from django.urls import path

from . import views

urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity_detail"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
]
