"""The guards of the case workflow: each returns the reasons (``Reason(field, message)``) that
block its transition, an empty list when it has no objection. The engine runs them once per
transition, all of them, so that a refusal lists every missing item at once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.identifiers import normalize_siren
from crm.models import LegalForm, Organisation
from crm.workflow_engine import Guard, Reason, as_reasons
from transmission import employee_information, legal
from transmission.choices import (
    ACTIVE_STAGES,
    AbandonReason,
    CaseKind,
    CaseRoute,
    Stage,
    TargetForm,
)
from transmission.financing_gate import financing_gate
from transmission.workflow.transitions import (
    COOPERATIVE_NAME,
    MIN_SCIC_CATEGORIES,
    MIN_SCOP_FOUNDERS,
    OVERRIDE_REASON,
)

# Legal forms that are no société: they cannot transform into a Scop d'amorçage.
_NOT_A_SOCIETE = (LegalForm.EI, LegalForm.ASSOCIATION)

# The permission a director holds to take a case to signing with an unbalanced plan.
OVERRIDE_PERMISSION = "transmission.override_financing_rule"


def _needs(case, fields: dict[str, str]) -> list[Reason]:
    return [
        Reason(name, message)
        for name, message in fields.items()
        if getattr(case, name) in (None, "")
    ]


def _not_future(case, name: str, message: str, ctx) -> list[Reason]:
    value = getattr(case, name)
    return [Reason(name, message)] if value and value > ctx.today else []


def guard_qualify(case, ctx) -> list[Reason]:
    if case.assigned_officer_id is None:
        return [Reason(None, _("No development officer is assigned to the case."))]
    return []


def guard_start_feasibility(case, ctx) -> list[Reason]:
    return _needs(case, {"jobs_at_stake": _("The number of jobs at stake is missing.")})


def guard_start_structuring(case, ctx) -> list[Reason]:
    reasons = []
    if case.stage == Stage.QUALIFICATION and case.kind != CaseKind.TAKEOVER_DISTRESS:
        reasons.append(
            Reason(
                None, _("Only a takeover of a company in difficulty may skip the diagnostic stage.")
            )
        )
    if case.kind == CaseKind.TAKEOVER:
        reasons += _needs(
            case,
            {
                "valuation": _("The valuation of the company is missing."),
                "owner_agreement_on": _(
                    "The date of the owner's agreement in principle is missing."
                ),
            },
        )
    if case.kind == CaseKind.TAKEOVER_DISTRESS:
        reasons += _needs(
            case, {"court_offer_deadline": _("The court's offer deadline is missing.")}
        )
    return reasons


def route_reasons(case) -> list[Reason]:
    """The route is known and allowed for the kind (transmission.legal.ROUTES_BY_KIND)."""
    if not case.route:
        return [Reason("route", _("The route (transformation, new cooperative…) is missing."))]
    if not legal.route_allowed(case.kind, case.route):
        return [Reason("route", route_refusal(case.kind, case.route))]
    return []


def route_refusal(kind: str, route: str) -> str:
    return _("The route “%(route)s” is not possible for a “%(kind)s”: choose %(routes)s.") % {
        "route": CaseRoute(route).label,
        "kind": CaseKind(kind).label,
        "routes": _(" or ").join(f"“{CaseRoute(r).label}”" for r in legal.routes_for(kind)),
    }


def seed_scop_reasons(case) -> list[Reason]:
    """A Scop d'amorçage is only an existing société transforming itself into a Scop."""
    if not case.seed_scop:
        return []
    if case.route != CaseRoute.TRANSFORMATION:
        return [
            Reason(
                "seed_scop",
                _(
                    "A Scop d'amorçage is only possible when an existing société transforms "
                    "itself into a Scop: not for a creation ex nihilo, a conversion or a new "
                    "cooperative."
                ),
            )
        ]
    if case.target_form and TargetForm(case.target_form).is_scic:
        return [Reason("seed_scop", _("A Scop d'amorçage is a Scop, not a Scic."))]
    if case.organisation_id and case.organisation.legal_form in _NOT_A_SOCIETE:
        return [
            Reason(
                "seed_scop",
                _(
                    "A Scop d'amorçage is only possible for a société (SARL, SAS, SA): "
                    "this organisation is a “%(form)s”."
                )
                % {"form": case.organisation.get_legal_form_display()},
            )
        ]
    return []


def guard_start_financing(case, ctx) -> list[Reason]:
    reasons = _needs(case, {"target_form": _("The target cooperative form is missing.")})
    reasons += route_reasons(case)
    reasons += seed_scop_reasons(case)
    if case.kind == CaseKind.CREATION and case.target_form:
        if TargetForm(case.target_form).is_scic:
            if (case.member_categories or 0) < MIN_SCIC_CATEGORIES:
                message = _("A Scic needs at least %(count)d categories of members.")
                reasons.append(
                    Reason("member_categories", message % {"count": MIN_SCIC_CATEGORIES})
                )
        elif (case.founding_members or 0) < MIN_SCOP_FOUNDERS:
            message = _("A Scop needs at least %(count)d founding members.")
            reasons.append(Reason("founding_members", message % {"count": MIN_SCOP_FOUNDERS}))
    reasons += as_reasons(financing_gate().reasons_blocking_entry(case))
    return reasons


def may_override_financing_rule(user, case) -> bool:
    """The permission, asked with the case: the role grants it, the rule adds the UR."""
    return user is not None and user.has_perm(OVERRIDE_PERMISSION, case)


def guard_start_closing(case, ctx) -> list[Reason]:
    reasons = []
    gate = financing_gate()
    plan_reasons = gate.reasons_blocking_exit(case)
    if plan_reasons:
        override = (ctx.extra.get(OVERRIDE_REASON) or "").strip()
        if not override:
            reasons += as_reasons(plan_reasons)
        elif not gate.case_has_plan(case):
            # A director may sign off an unbalanced plan, never the absence of one.
            reasons += as_reasons(plan_reasons)
            reasons.append(
                Reason(
                    OVERRIDE_REASON,
                    _("The financing plan rule cannot be overridden for a case without a plan."),
                )
            )
        elif not may_override_financing_rule(ctx.by, case):
            reasons.append(
                Reason(
                    OVERRIDE_REASON,
                    _("Only a regional director may override the financing plan rule."),
                )
            )
    if case.kind == CaseKind.TAKEOVER:
        # The date is needed where the law asks for the information: not from 250 employees,
        # nor once every employee has waived their right to bid.
        status = employee_information.assess(case, today=ctx.today).status
        if status not in (
            employee_information.Status.NOT_APPLICABLE,
            employee_information.Status.WAIVED,
        ):
            reasons += _needs(
                case,
                {
                    "employees_informed_on": _(
                        "The date on which the employees were informed of the sale is missing."
                    )
                },
            )
        reasons += _not_future(
            case,
            "employees_informed_on",
            _("The employees' information date cannot be in the future."),
            ctx,
        )
    return reasons


def guard_incorporate(case, ctx) -> list[Reason]:
    reasons = []
    siren = ""  # the valid SIREN, which the legal person's rules then compare
    if not case.cooperative_siren:
        reasons.append(
            Reason("cooperative_siren", _("The SIREN of the new cooperative is missing."))
        )
    else:
        # The one definition of a SIREN (nine ASCII digits, Luhn key, never 000000000).
        try:
            siren = normalize_siren(case.cooperative_siren)
        except ValidationError as invalid:
            reasons.append(Reason("cooperative_siren", invalid.messages[0]))
    reasons += _needs(
        case,
        {
            "target_form": _("The legal form of the cooperative is missing."),
            "registered_on": _("The registration date is missing."),
        },
    )
    reasons += _not_future(
        case, "registered_on", _("The registration date cannot be in the future."), ctx
    )
    reasons += route_reasons(case)
    reasons += seed_scop_reasons(case)
    reasons += _legal_person_reasons(case, siren, ctx)
    return reasons


def guard_members_lawful(case, ctx) -> list[Reason]:
    """The members, capital and votes the law asks of the target form, for every kind of case
    (legal.membership_refusals); the form itself is asked for by the other guards."""
    if not case.target_form or case.pk is None:
        return []
    figures = legal.figures_by_category(case.memberships.all())
    refusals = legal.membership_refusals(case.target_form, case.seed_scop, figures)
    return [Reason(field, message) for field, message in refusals]


# --- Dates the law attaches to a sale (new rules beside the historical guards) --------------


def _not_before(case, name: str, earlier: str, message: str) -> list[Reason]:
    value, before = getattr(case, name), getattr(case, earlier)
    return [Reason(name, message)] if value and before and value < before else []


def guard_employee_information_dates(case, ctx) -> list[Reason]:
    """The information of employees (transmission.employee_information) only warns; what is
    refused is a past event dated in the future."""
    if case.kind != CaseKind.TAKEOVER:
        return []
    return [
        *_not_future(
            case,
            "cse_consulted_on",
            _("The date of the CSE consultation cannot be in the future."),
            ctx,
        ),
        *_not_future(
            case,
            "employees_waived_bid_on",
            _("The date on which the employees waived their right to bid cannot be in the future."),
            ctx,
        ),
    ]


def guard_court_opening(case, ctx) -> list[Reason]:
    if case.kind != CaseKind.TAKEOVER_DISTRESS:
        return []
    return _not_future(
        case,
        "opening_judgment_on",
        _("The date of the judgment opening the procedure cannot be in the future."),
        ctx,
    )


def guard_court_plan(case, ctx) -> list[Reason]:
    """A judgment adopting the plan is a past event, after the opening of the procedure."""
    if case.kind != CaseKind.TAKEOVER_DISTRESS:
        return []
    return [
        *_not_future(
            case,
            "plan_judgment_on",
            _("The date of the judgment adopting the plan cannot be in the future."),
            ctx,
        ),
        *_not_before(
            case,
            "plan_judgment_on",
            "opening_judgment_on",
            _("The plan cannot be adopted before the judgment opening the procedure."),
        ),
        *_not_before(
            case,
            "court_hearing_on",
            "opening_judgment_on",
            _("The hearing cannot come before the judgment opening the procedure."),
        ),
    ]


def guard_court_incorporation(case, ctx) -> list[Reason]:
    """In a plan de cession the buyer owns the business only by the court's judgment: no
    registration without its date; possession follows it."""
    if case.kind != CaseKind.TAKEOVER_DISTRESS:
        return []
    reasons = _needs(
        case,
        {
            "plan_judgment_on": _(
                "The date of the judgment adopting the takeover plan is missing: the court "
                "orders the sale."
            )
        },
    )
    reasons += guard_court_plan(case, ctx)
    reasons += _not_future(
        case,
        "possession_on",
        _("The date of entry into possession cannot be in the future."),
        ctx,
    )
    reasons += _not_before(
        case,
        "possession_on",
        "plan_judgment_on",
        _("Entry into possession cannot come before the judgment adopting the plan."),
    )
    return reasons


def _legal_person_reasons(case, siren: str, ctx) -> list[Reason]:
    """Transformation/conversion: the cooperative is the organisation, its SIREN unchanged.
    Newco: a new organisation, whose SIREN no other organisation holds."""
    if not case.route or not legal.route_allowed(case.kind, case.route):
        return []
    name = (ctx.extra.get(COOPERATIVE_NAME) or "").strip()
    target_siren = case.organisation.siren if case.organisation_id else None
    if not legal.is_newco(case.route):
        reasons = []
        if name:
            reasons.append(
                Reason(
                    COOPERATIVE_NAME,
                    _("A transformation keeps the organisation: no new cooperative is named."),
                )
            )
        if siren and target_siren and siren != target_siren:
            reasons.append(
                Reason(
                    "cooperative_siren",
                    _("The company transforms itself: the cooperative keeps its SIREN %(siren)s.")
                    % {"siren": target_siren},
                )
            )
        return reasons
    if siren and siren == target_siren:
        return [
            Reason(
                "cooperative_siren",
                _("A new cooperative has its own SIREN: %(siren)s is the target company's.")
                % {"siren": siren},
            )
        ]
    if siren and case.organisation_id and Organisation.objects.filter(siren=siren).exists():
        return [
            Reason(
                "cooperative_siren",
                _("Another organisation already has the SIREN %(siren)s.") % {"siren": siren},
            )
        ]
    return []


def guard_put_on_hold(case, ctx) -> list[Reason]:
    if not case.review_on:
        return [Reason("review_on", _("A case on hold needs a review date."))]
    if case.review_on <= ctx.today:
        return [Reason("review_on", _("The review date must be in the future."))]
    return []


def guard_resume(case, ctx) -> list[Reason]:
    if case.previous_stage not in ACTIVE_STAGES:
        return [Reason(None, _("The stage the case left is unknown."))]
    return []


def guard_abandon(case, ctx) -> list[Reason]:
    reasons = _needs(case, {"abandon_reason": _("The reason for abandoning is missing.")})
    if case.abandon_reason == AbandonReason.OTHER and not (case.abandon_comment or "").strip():
        reasons.append(
            Reason("abandon_comment", _("Explain the reason in a comment when it is “other”."))
        )
    return reasons


def guard_decline(case, ctx) -> list[Reason]:
    return _needs(case, {"decline_reason": _("The reason for not retaining the lead is missing.")})


def guard_reopen(case, ctx) -> list[Reason]:
    return guard_resume(case, ctx)


GUARDS: dict[str, list[Guard]] = {
    "qualify": [guard_qualify],
    "start_feasibility": [guard_start_feasibility],
    "start_structuring": [guard_start_structuring, guard_court_opening],
    "start_financing": [guard_start_financing],
    "start_closing": [
        guard_start_closing,
        guard_employee_information_dates,
        guard_court_plan,
        guard_members_lawful,
    ],
    "incorporate": [guard_incorporate, guard_court_incorporation, guard_members_lawful],
    "put_on_hold": [guard_put_on_hold],
    "resume": [guard_resume],
    "abandon": [guard_abandon],
    "decline": [guard_decline],
    "reopen": [guard_reopen],
}
