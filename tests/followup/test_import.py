"""Import of annual reviews from CSV/XLSX: through the service, all or nothing, French errors."""

import datetime
import io

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.utils import translation

from crm.roles import Role
from followup import services
from followup.models import AnnualReview
from tests.factories import staff_user
from tests.followup.helpers import cooperative

pytestmark = pytest.mark.django_db

HEADER = (
    "siren,year,jobs,members,employee_members,employee_capital_share,employee_vote_share,"
    "turnover,result,result_to_employees,result_to_dividends,result_to_reserves\n"
)


def _csv(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "\n".join(rows) + "\n").encode("utf-8"))


@pytest.fixture
def setting():
    ouest = cooperative(since=datetime.date(2020, 3, 1))
    ara = cooperative(since=datetime.date(2020, 3, 1), postal_code="69001")
    return {"ouest": ouest, "ara": ara, "officer": staff_user(Role.OFFICER, "ouest")}


def _row(follow_up, year=2021, capital="60", allocation=("40", "10", "50")):
    siren = follow_up.organisation.siren
    return f'{siren},{year},10,8,7,{capital},"80,5",1000000,50000,{",".join(allocation)}'


def test_a_good_file_is_imported_through_the_service(setting):
    result = services.reviews_import(
        file=_csv(_row(setting["ouest"]), _row(setting["ouest"], 2022)),
        format="csv",
        by=setting["officer"],
    )
    assert not result.has_errors() and not result.has_validation_errors()
    reviews = AnnualReview.objects.order_by("year")
    assert [r.year for r in reviews] == [2021, 2022]
    assert str(reviews[0].employee_vote_share) == "80.50"  # French decimal comma
    assert reviews[0].recorded_by == setting["officer"]
    # Importing the same year again replaces it.
    services.reviews_import(
        file=_csv(_row(setting["ouest"], capital="70")), format="csv", by=setting["officer"]
    )
    assert AnnualReview.objects.get(year=2021).employee_capital_share == 70


def test_one_bad_row_saves_nothing_and_every_error_names_its_column(setting):
    with translation.override("fr"):
        result = services.reviews_import(
            file=_csv(
                _row(setting["ouest"]),
                _row(setting["ouest"], 2022, capital="120"),
                _row(setting["ouest"], 2019),
                _row(setting["ouest"], 2023, allocation=("40", "10", "10")),
                _row(setting["ara"], 2021),  # another UR: not found for this officer
            ),
            format="csv",
            by=setting["officer"],
        )
        invalid = {
            row.number: {k: [str(m) for m in v] for k, v in row.error_dict.items()}
            for row in result.invalid_rows
        }
    assert AnnualReview.objects.count() == 0
    assert invalid[2]["employee_capital_share"] == [
        "La part du capital détenue par les salariés doit être comprise entre 0 et 100 %."
    ]
    assert invalid[3]["year"] == [
        "L'année d'un bilan ne peut pas précéder l'année d'immatriculation (2020)."
    ]
    assert "result_to_reserves" in invalid[4]
    siren = setting["ara"].organisation.siren
    assert invalid[5]["follow_up"] == [
        f"Aucune coopérative suivie de SIREN « {siren} » sur votre territoire."
    ]
    assert 1 not in invalid


def test_a_dry_run_validates_and_writes_nothing(setting):
    result = services.reviews_import(
        file=_csv(_row(setting["ouest"])), format="csv", by=setting["officer"], dry_run=True
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 1
    assert AnnualReview.objects.count() == 0


def test_xlsx_is_read_too(setting):
    dataset = tablib.Dataset(headers=HEADER.strip().split(","))
    dataset.append(
        [setting["ouest"].organisation.siren, 2021, 10, 8, 7, 60, 80, 1000000, 50000, 40, 10, 50]
    )
    result = services.reviews_import(
        file=io.BytesIO(dataset.export("xlsx")), format="xlsx", by=setting["officer"]
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert AnnualReview.objects.get().jobs == 10


def test_unknown_format_and_unreadable_files_are_named():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.reviews_import(file=io.BytesIO(b""), format="pdf", by=None)
    assert error.value.message_dict == {"format": ["Le fichier doit être au format CSV ou XLSX."]}
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.reviews_import(file=io.BytesIO(b"\xff\xfe\x00garbage"), format="csv", by=None)
    assert "file" in error.value.message_dict


def test_an_outsider_imports_nothing(setting):
    result = services.reviews_import(
        file=_csv(_row(setting["ouest"])), format="csv", by=staff_user(Role.BOARD_MEMBER)
    )
    assert result.has_validation_errors() or result.has_errors()
    assert AnnualReview.objects.count() == 0
