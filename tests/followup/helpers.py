"""Cooperatives under follow-up for tests, built through the real services."""

import datetime
from decimal import Decimal

from crm.actors import SYSTEM
from crm.models import CooperativeType, LegalForm
from followup import services
from tests.factories import OrganisationFactory

GOOD_REVIEW = {
    "jobs": 10,
    "members": 8,
    "employee_members": 7,
    "employee_capital_share": Decimal("60"),
    "employee_vote_share": Decimal("80"),
    "share_capital": Decimal("40000"),
    "turnover": Decimal("1000000"),
    "result": Decimal("50000"),
    "result_to_employees": Decimal("40"),
    "result_to_dividends": Decimal("10"),
    "result_to_reserves": Decimal("50"),
    "general_meeting_turnout": Decimal("90"),
    "women_members": 4,
    "board_members": 5,
    "women_on_board": 2,
    "training_hours": 150,
    "staff_turnover": Decimal("10"),
}


def cooperative(since=datetime.date(2020, 3, 1), postal_code="35000", **fields):
    """A Scop (Ouest by default) with its follow-up record."""
    organisation = OrganisationFactory(
        postal_code=postal_code,
        cooperative_type=fields.pop("cooperative_type", CooperativeType.SCOP),
        legal_form=LegalForm.SARL,
        cooperative_since=since,
        **fields,
    )
    return services.follow_up_open(organisation=organisation, by=SYSTEM)


def review(follow_up, year, **changes):
    return services.annual_review_record(
        follow_up=follow_up, year=year, by=SYSTEM, **{**GOOD_REVIEW, **changes}
    )
