from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    # Browsers ask for /favicon.ico on every page, admin included.
    path("favicon.ico", RedirectView.as_view(url=static("releve/favicon.svg"), permanent=True)),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
]
