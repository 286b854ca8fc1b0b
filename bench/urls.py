"""The bench server's URLconf: the project's, plus the two baselines of P1 and P2."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/json/", views.minimal_json, name="bench-json"),
    path("bench/insert/", views.one_insert, name="bench-insert"),
    path("", include("config.urls")),
]
