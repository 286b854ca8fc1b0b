"""The staff API: cases of the caller's territory, their workflow, history, activities and
financing plan. Officers, directors, financial-tools officers and administrators use it with
a staff token or the back office's session; rows are those the back office shows them.

Choices made here (the API contract):
- board members read aggregates only: every case endpoint answers them 403;
- a case outside the caller's territory answers 404, like an unknown id;
- ``officer`` filters by the assigned officer's user id;
- a case without a financing plan answers 404 on ``financing/`` (with its own detail);
- a transition refused by a guard or from the wrong stage is 422 with every reason, keyed
  by the input field each reason names (the workflow's ``Reason.field``), the others under
  ``non_field_errors``; not allowed for the caller is 403; the
  case moved meanwhile (row locked by a colleague, or ``version`` no longer current) is 409.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.authentication import IsStaff
from api.filters import ActivityCursorPagination, CaseFilter, StaffCursorPagination
from api.problems import PROBLEM_CONTENT_TYPE, Problem
from api.schema import problem_responses
from api.serializers.staff import (
    ActivityInputSerializer,
    ActivitySerializer,
    CaseDetailSerializer,
    CaseListItemSerializer,
    FinancingSerializer,
    StageChangeSerializer,
    TransitionHeadSerializer,
    TransitionRefusedProblemSerializer,
    TransitionRequestSerializer,
    transition_input_serializer,
)
from api.views.base import KnownQueryParametersMixin, StaffAccessMixin
from crm import selectors as crm_selectors
from crm.roles import AGGREGATE_ONLY_ROLES
from crm.scoping import user_role
from crm.workflow_engine import Reason, field_errors
from financement import selectors as financing
from financement.models import FinancingPlan
from transmission import selectors, services, workflow
from transmission.models import Case

TAGS = ["cases"]
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class ReadsCases(IsStaff):
    """Staff who work on cases: board members read aggregates only, never a case."""

    message = gettext_lazy("Board members read aggregated figures only, never cases.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return user_role(request.user) not in AGGREGATE_ONLY_ROLES


def _refused_problem(status_code: int, description: str) -> dict:
    return {
        (status_code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=TransitionRefusedProblemSerializer, description=description
        )
    }


@extend_schema_view(
    list=extend_schema(
        operation_id="cases_list",
        summary="Cases of the caller's territory",
        description=(
            "Cursor-paginated (`cursor`, `page_size` ≤ 100), most recently changed first. "
            "Board members get 403."
        ),
        responses={200: CaseListItemSerializer(many=True), **problem_responses(400)},
        tags=TAGS,
    ),
    retrieve=extend_schema(
        operation_id="cases_retrieve",
        summary="One case, with the transitions the caller may run",
        description="404 for an unknown case and for a case outside the caller's territory.",
        responses={200: CaseDetailSerializer},
        tags=TAGS,
    ),
)
class CaseViewSet(StaffAccessMixin, KnownQueryParametersMixin, viewsets.GenericViewSet):
    permission_classes = [ReadsCases]
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    pagination_class = StaffCursorPagination
    listing_actions = ("list", "activities")
    serializer_class = CaseDetailSerializer
    queryset = Case.objects.none()  # for the schema; rows come from the selectors

    def get_queryset(self):
        return selectors.case_list(user=self.request.user).select_related(
            "source_partner", "cooperative"
        )

    def get_object(self) -> Case:
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Case.DoesNotExist, ValueError, OverflowError):
            raise Problem("not-found") from None

    def _detail(self, case: Case) -> Response:
        # The members: read by the detail and by the guards of its transitions, once.
        prefetch_related_objects([case], "memberships")
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    def list(self, request):
        cases = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(CaseListItemSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    # --- Transitions -------------------------------------------------------------------

    @extend_schema(
        operation_id="cases_transition",
        summary="Run a transition on the case",
        description=(
            "Same service as the back office. The body names the transition and gives the "
            "fields it collects for this kind of case (see the case's "
            "`available_transitions`); any other field is a 400 naming it. 403: the caller "
            "may not run it; 409: the case changed meanwhile (locked by a colleague, or "
            "`version` no longer current); 422: refused by the workflow, with every reason."
        ),
        request=TransitionRequestSerializer,
        responses={
            200: CaseDetailSerializer,
            **_refused_problem(403, "The caller may not run this transition on this case."),
            **problem_responses(409),
            **_refused_problem(422, "The workflow refuses: every missing item is listed."),
        },
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path="transitions")
    def transitions(self, request, pk=None):
        case = self.get_object()
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({NON_FIELD: [_("The body must be a JSON object.")]})
        head = TransitionHeadSerializer(
            data={k: v for k, v in request.data.items() if k in ("name", "comment", "version")}
        )
        head.is_valid(raise_exception=True)
        name = head.validated_data["name"]
        body = transition_input_serializer(case, name)(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("name")
        comment = data.pop("comment", "")
        version = data.pop("version", None)
        if version is not None:
            case.version = version  # the service compares it with the locked row's
        try:
            services.case_transition(case=case, name=name, by=request.user, comment=comment, **data)
        except services.CaseConflict as conflict:
            raise Problem("conflict", detail=str(conflict)) from None
        except services.TransitionForbidden as refusal:
            raise Problem(
                "permission-denied", detail=" ".join(refusal.reasons), reasons=refusal.reasons
            ) from None
        except services.TransitionRefused as refusal:
            raise Problem(
                "unprocessable",
                detail=_("The transition is refused: %(reasons)s")
                % {"reasons": " ".join(refusal.reasons)},
                errors=_errors_by_field(case, name, refusal),
                reasons=refusal.reasons,
            ) from None
        except (services.UnknownTransition, services.UnexpectedInput) as error:
            raise serializers.ValidationError({NON_FIELD: [str(error)]}) from None
        return self._detail(self.get_queryset().get(pk=case.pk))

    # --- History, activities -----------------------------------------------------------

    @extend_schema(
        operation_id="cases_history",
        summary="The case's stage history, oldest first",
        responses={200: StageChangeSerializer(many=True)},
        tags=TAGS,
    )
    @action(
        detail=True, methods=["get"], url_path="history", filter_backends=[], pagination_class=None
    )
    def history(self, request, pk=None):
        case = self.get_object()
        changes = selectors.case_history(user=request.user, case=case).order_by("at", "id")
        return Response(StageChangeSerializer(changes, many=True).data)

    @extend_schema(
        methods=["GET"],
        operation_id="cases_activities_list",
        summary="The case's activities, newest first",
        description="Cursor-paginated (`cursor`, `page_size` ≤ 100).",
        responses={200: ActivitySerializer(many=True), **problem_responses(400)},
        tags=TAGS,
    )
    @extend_schema(
        methods=["POST"],
        operation_id="cases_activities_create",
        summary="Record a call, meeting, note or task on the case",
        description="The assigned officer or a director of the case's UR; others get 403.",
        request=ActivityInputSerializer,
        responses={201: ActivitySerializer},
        tags=TAGS,
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="activities",
        filter_backends=[],
        pagination_class=ActivityCursorPagination,
    )
    def activities(self, request, pk=None):
        case = self.get_object()
        if request.method == "POST":
            return self._activity_create(request, case)
        activities = selectors.case_activities(user=request.user, case=case).select_related(
            "assignee", "created_by"
        )
        page = self.paginate_queryset(activities)
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    def _activity_create(self, request, case: Case) -> Response:
        body = ActivityInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        assignee_id = data.pop("assignee", None)
        assignee = None
        if assignee_id is not None:
            assignee = crm_selectors.staff_member_of(
                regional_union_id=case.regional_union_id, pk=assignee_id
            )
            if assignee is None:
                raise serializers.ValidationError(
                    {"assignee": [_("No staff member of the case's regional union has this id.")]}
                )
        try:
            activity = services.activity_create(
                case=case, by=request.user, assignee=assignee, **data
            )
        except DjangoPermissionDenied as refusal:
            raise Problem("permission-denied", detail=str(refusal)) from None
        except DjangoValidationError as error:
            raise serializers.ValidationError(_django_errors(error)) from None
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    # --- Financing ---------------------------------------------------------------------

    @extend_schema(
        operation_id="cases_financing",
        summary="The case's financing plan: needs, lines, totals, gap, leverage",
        description=(
            "Amounts are decimal strings. 404 when the case has no financing plan (the "
            "problem's detail says so) as well as for an unknown case."
        ),
        responses={200: FinancingSerializer},
        tags=TAGS,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="financing",
        filter_backends=[],
        pagination_class=None,
    )
    def financing(self, request, pk=None):
        case = self.get_object()
        try:
            plan, figures, lines = financing.case_financing(user=request.user, case=case)
        except FinancingPlan.DoesNotExist:
            raise Problem("not-found", detail=_("This case has no financing plan.")) from None
        data = {
            "case": case.pk,
            "needs": {
                "price_or_investment": plan.price_or_investment,
                "working_capital": plan.working_capital,
                "other_needs": plan.other_needs,
                "total": plan.needs,
            },
            "lines": lines,
            "totals": {
                "committed": figures.committed,
                "movement_committed": figures.movement_committed,
                "pending": figures.requested,
            },
            "gap": figures.gap,
            "balanced": figures.balanced,
            "movement_share": figures.movement_share,
            "leverage": figures.leverage,
            "notes": plan.notes,
            "updated_at": plan.updated_at,
        }
        return Response(FinancingSerializer(data).data)


def _django_errors(error: DjangoValidationError) -> dict:
    """A model's validation error keyed as DRF keys them (``__all__`` → non_field_errors)."""
    if not hasattr(error, "error_dict"):
        return {NON_FIELD: error.messages}
    return {
        (NON_FIELD if key == NON_FIELD_ERRORS else key): messages
        for key, messages in error.message_dict.items()
    }


# --- Which field each reason is about ---------------------------------------------------------


def _errors_by_field(case: Case, name: str, refusal: services.TransitionRefused) -> dict:
    """The workflow's reasons keyed by the input they name (``Reason.field``); a reason about
    no input this call could carry stays under ``non_field_errors``."""
    inputs = {*workflow.input_fields(case, name), *workflow.extra_inputs(name)}
    return field_errors(
        [r if r.field in inputs else Reason(None, r.message) for r in refusal.refusals],
        non_field_key=NON_FIELD,
    )
