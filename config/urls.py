from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


def favicon(request):
    # Browsers ask for /favicon.ico on every page, admin included. Resolved per request:
    # the hashed static name only exists once collectstatic has run.
    return HttpResponsePermanentRedirect(static("releve/favicon.svg"))


def landing(request):
    """Where "/" (and the login) leads: board members to the dashboards, officers, directors
    and financial-tools officers to their day in the back office, administrators to the
    admin. Anonymous visitors sign in first, with no ``next``, so the login comes back here."""
    from crm.roles import Role
    from crm.scoping import user_role

    if not request.user.is_authenticated:
        return redirect("login")
    role = user_role(request.user)
    if role == Role.BOARD_MEMBER:
        return redirect("dashboards:home")
    if role in (Role.OFFICER, Role.DIRECTOR, Role.FINANCIAL_OFFICER):
        return redirect("backoffice:home")
    return redirect("admin:index")


urlpatterns = [
    path("favicon.ico", favicon),
    path("", landing, name="home"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("tableaux-de-bord/", include("dashboards.urls")),
    path("", include("backoffice.urls")),
]
