"""Issue 10 §7 and issue 9 §1 on the instrument catalogue: one family for titres participatifs,
instruments limited to some regional unions, one copy of the instrument onto its line."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from financement import services
from financement.choices import InstrumentFamily
from financement.models import FinancingLine, Instrument
from tests.financement.factories import plan_for
from tests.transmission.factories import CaseFactory, complete_data
from transmission.choices import Stage

pytestmark = pytest.mark.django_db

TRANSMEA = "transmea-capital-risque"


def test_titres_participatifs_are_one_family_whoever_provides_them():
    titres = Instrument.objects.filter(name__startswith="Titres participatifs")
    assert set(titres.values_list("code", flat=True)) == {
        "scopinvest-titres-participatifs",
        "ides-esfin-fonds-propres",
    }
    assert set(titres.values_list("family", flat=True)) == {InstrumentFamily.QUASI_EQUITY}
    assert not Instrument.objects.filter(
        code="ides-esfin-fonds-propres", family=InstrumentFamily.EQUITY
    ).exists()


def test_transmea_is_seeded_as_auvergne_rhone_alpes_only():
    transmea = Instrument.objects.get(code=TRANSMEA)
    assert list(transmea.regional_unions.values_list("code", flat=True)) == ["ara"]
    assert not Instrument.objects.get(code="socoden-pret-participatif").regional_unions.exists()


def _case(officer, ur_code):
    case = CaseFactory(stage=Stage.FINANCING, assigned_officer=officer, **complete_data("takeover"))
    assert case.regional_union.code == ur_code
    return case


def test_an_instrument_limited_to_other_unions_is_refused_naming_the_field(team, plan):
    transmea = Instrument.objects.get(code=TRANSMEA)
    assert plan.case.regional_union_id != team["ara"].pk
    with pytest.raises(ValidationError) as error:
        services.financing_line_create(
            plan=plan, by=team["officer"], instrument=transmea, amount_requested=Decimal("50000")
        )
    message = " ".join(error.value.message_dict["instrument"])
    assert "Transméa" in message and "Auvergne-Rhône-Alpes" in message
    assert "n'est proposé qu'en" in message
    assert not FinancingLine.objects.filter(plan=plan).exists()


def test_an_instrument_limited_to_the_case_union_is_accepted(team):
    case = CaseFactory(
        stage=Stage.FINANCING,
        assigned_officer=team["officer_ara"],
        regional_union=team["ara"],
        **complete_data("takeover"),
    )
    plan = plan_for(case, price="200000")
    line = services.financing_line_create(
        plan=plan,
        by=team["officer_ara"],
        instrument=Instrument.objects.get(code=TRANSMEA),
        amount_requested=Decimal("50000"),
    )
    assert line.pk and line.family == InstrumentFamily.EQUITY and line.is_movement_tool


def test_the_limitation_is_a_model_rule_every_caller_meets(team, plan):
    transmea = Instrument.objects.get(code=TRANSMEA)
    line = FinancingLine.from_instrument(transmea, plan=plan, amount_requested=Decimal("1000"))
    with pytest.raises(ValidationError) as error:
        line.full_clean(exclude=["status"])
    assert "instrument" in error.value.message_dict


def test_from_instrument_copies_family_and_movement_flag_and_keeps_them(team, plan):
    tool = Instrument.objects.get(code="scopinvest-titres-participatifs")
    line = services.financing_line_create(
        plan=plan, by=team["officer"], instrument=tool, amount_requested=Decimal("30000")
    )
    tool.family = InstrumentFamily.EQUITY
    tool.is_movement_tool = False
    tool.save()
    line.refresh_from_db()
    assert (line.family, line.is_movement_tool) == (InstrumentFamily.QUASI_EQUITY, True)
