from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("rapport/", views.report, name="report"),
    path("prevision/", views.forecast_page, name="forecast"),
    path("prevision/<slug:panel>.csv", views.forecast_csv, name="forecast_csv"),
    path("citoyennete/definitions/", views.indicator_definitions, name="indicator_definitions"),
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/<slug:panel>.csv", views.panel_csv, name="csv"),
]
