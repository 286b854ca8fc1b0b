"""The back office's addresses, in French (they show in the browser's address bar)."""

from django.urls import path

from backoffice.views import (
    account,
    board,
    case,
    case_new,
    day,
    imports,
    lists,
    people,
    search,
    supports,
)

app_name = "backoffice"

urlpatterns = [
    path("journee/", day.home, name="home"),
    path("taches/<int:pk>/terminer/", day.task_complete, name="task_complete"),
    path("pipeline/", board.pipeline, name="board"),
    path("pipeline/<str:stage>/", board.pipeline_column, name="board_column"),
    path("dossiers/", lists.case_list, name="cases"),
    path("dossiers/nouveau/", case_new.case_new, name="case_new"),
    path("dossiers/<int:pk>/", case.case_detail, name="case"),
    path("dossiers/<int:pk>/historique/", case.case_timeline, name="case_timeline"),
    path(
        "dossiers/<int:pk>/transitions/<str:name>/",
        case.case_transition,
        name="case_transition",
    ),
    path("dossiers/<int:pk>/vers/<str:stage>/", case.case_transition_to, name="case_move"),
    path("dossiers/<int:pk>/taches/", case.task_add, name="task_add"),
    path(
        "dossiers/<int:pk>/taches/<int:task_pk>/reattribuer/",
        case.task_reassign,
        name="task_reassign",
    ),
    path("dossiers/<int:pk>/reattribuer/", case.case_reassign, name="case_reassign"),
    path("dossiers/<int:pk>/etiquettes/", case.case_tags, name="case_tags"),
    path("dossiers/<int:pk>/associes/", case.case_members, name="case_members"),
    path(
        "dossiers/<int:pk>/associes/<str:category>/retirer/",
        case.case_member_remove,
        name="case_member_remove",
    ),
    path(
        "dossiers/<int:pk>/financement/<int:line_pk>/<str:name>/",
        case.line_transition,
        name="line_transition",
    ),
    path("organisations/", lists.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", lists.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/accompagnement/", supports.support_open, name="support_open"),
    path("accompagnements/", supports.support_list, name="supports"),
    path("accompagnements/<int:pk>/", supports.support_detail, name="support"),
    path(
        "accompagnements/<int:pk>/transitions/<str:name>/",
        supports.support_transition,
        name="support_transition",
    ),
    path("accompagnements/<int:pk>/besoins/", supports.support_plan, name="support_plan"),
    path(
        "accompagnements/<int:pk>/reattribuer/",
        supports.support_reassign,
        name="support_reassign",
    ),
    path(
        "accompagnements/<int:pk>/financement/",
        supports.support_line_add,
        name="support_line_add",
    ),
    path(
        "accompagnements/<int:pk>/financement/<int:line_pk>/<str:name>/",
        supports.support_line_transition,
        name="support_line_transition",
    ),
    path("personnes/", lists.person_list, name="people"),
    path("personnes/doublons/", people.duplicates, name="duplicates"),
    path("personnes/fusionner/", people.merge, name="merge"),
    path("recherche/", search.search, name="search"),
    path("imports/", imports.import_home, name="imports"),
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/<int:pk>/importer/", imports.import_job_commit, name="import_job_commit"),
    path(
        "imports/modele/<str:kind>.<str:export_format>",
        imports.import_template,
        name="import_template",
    ),
    path("parametres/", account.account_settings, name="settings"),
]
