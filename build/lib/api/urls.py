from django.urls import path, re_path

from api import http, views

app_name = "api"
urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("auth/token", views.token, name="token"),
    path("auth/session", views.session, name="session"),
    path("surveys", views.surveys, name="surveys"),
    path("surveys/statistics", views.statistics, name="survey-statistics"),
    path("news", views.news, name="news"),
    path("news/<int:news_id>", views.news_item, name="news-item"),
    path("news/<int:news_id>/withdraw", views.news_withdrawal, name="news-withdraw"),
    path("clients", views.clients, name="clients"),
    path("campaigns", views.campaigns, name="campaigns"),
    re_path(r"^(?P<unmatched>.*)$", http.not_found, name="not-found"),
]
