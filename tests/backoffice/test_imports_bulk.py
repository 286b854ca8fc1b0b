"""The organisation import writes its rows in batches (B8): the same rows as
``organisation_create``, a fixed number of statements per batch, a batch refused by the
database naming its lines, nothing of the file kept."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords

from backoffice import services
from backoffice.resources import OrganisationImportResource
from crm.identifiers import luhn_check_digit
from crm.models import Organisation
from crm.services import organisation_create
from tests.backoffice.test_imports import _csv, _messages, _org_rows
from tests.factories import OrganisationFactory, valid_siren

pytestmark = pytest.mark.django_db

# What differs between two organisations by construction: their keys, name, identifiers
# and the time they were written.
OWN_FIELDS = {"id", "name", "siren", "siret", "created_at", "updated_at"}
OWN_HISTORY_FIELDS = OWN_FIELDS | {"history_id", "history_date"}


def _siret(serial: int) -> str:
    partial = valid_siren(serial) + "0001"
    return partial + luhn_check_digit(partial)


def _values(instance, skipped: set[str]) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in skipped
    }


@pytest.fixture
def as_in_a_request(officer):
    # What simple-history's middleware does for a request: its user becomes history_user.
    request = RequestFactory().post("/imports/")
    request.user = officer
    HistoricalRecords.context.request = request
    yield
    del HistoricalRecords.context.request


@pytest.mark.parametrize(
    "row, fields",
    [
        (
            f"Scierie,{valid_siren(70_001)},,62.01Z,sarl,12,35000,Rennes",
            dict(siren=valid_siren(70_101), naf_code="62.01Z", employees=12),
        ),
        # No SIREN but a SIRET: the SIREN derived from it; a postal code typed with a space.
        (
            f"Atelier,,{_siret(70_002)},62.01Z,sas,,35 000,",
            dict(siret=_siret(70_102), naf_code="62.01Z"),
        ),
    ],
)
def test_an_imported_row_is_the_row_organisation_create_writes(
    officer, as_in_a_request, row, fields
):
    outcome = services.organisations_import(
        file=_csv([row]), format="csv", by=officer, dry_run=False
    )
    assert outcome.ok and outcome.created_rows == 1
    imported = Organisation.objects.get(name=row.split(",")[0])
    legal_form = row.split(",")[4]
    postal_code, city = row.split(",")[6:8]
    created = organisation_create(
        name="Témoin",
        legal_form=legal_form,
        postal_code=postal_code,
        city=city,
        by=officer,
        **fields,
    )
    created = Organisation.objects.get(pk=created.pk)  # as stored, not as written

    assert _values(imported, OWN_FIELDS) == _values(created, OWN_FIELDS)
    assert imported.siren == (row.split(",")[1] or row.split(",")[2][:9])
    assert imported.created_at is not None and imported.updated_at is not None
    [imported_history] = imported.history.all()
    [created_history] = created.history.all()
    assert _values(imported_history, OWN_HISTORY_FIELDS) == _values(
        created_history, OWN_HISTORY_FIELDS
    )
    assert imported_history.history_type == "+"
    assert imported_history.history_user == officer
    assert imported_history.history_change_reason is None
    # The history row is the organisation as stored, written when it was.
    assert _values(imported_history, {"history_id", "history_date"}) == {
        **_values(imported, set()),
        "history_change_reason": None,
        "history_type": "+",
        "history_user_id": officer.pk,
    }
    assert abs(imported_history.history_date - imported.created_at) < datetime.timedelta(seconds=5)


def test_a_background_import_records_no_history_user(officer):
    outcome = services.organisations_import(
        file=_csv(_org_rows(3)), format="csv", by=officer, dry_run=False
    )
    assert outcome.created_rows == 3
    history = Organisation.history.filter(name__startswith="Entreprise ")
    assert [(h.history_type, h.history_user_id, h.history_change_reason) for h in history] == [
        ("+", None, None)
    ] * 3


def _statement(sql: str) -> str:
    sql = sql.lstrip().upper()
    for kind in ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"):
        if sql.startswith(kind):
            return kind
    if sql.startswith("INSERT INTO"):
        return "INSERT " + sql.split()[2].strip('"').lower()
    return sql.split()[0]


def test_the_rows_are_written_a_batch_at_a_time_in_four_statements(officer, monkeypatch):
    monkeypatch.setattr(OrganisationImportResource, "INSERT_BATCH", 40)
    with CaptureQueriesContext(connection) as queries:
        outcome = services.organisations_import(
            file=_csv(_org_rows(100)), format="csv", by=officer, dry_run=False
        )
    assert outcome.ok and outcome.created_rows == 100
    batch = [
        "SAVEPOINT",
        "INSERT crm_organisation",
        "INSERT crm_historicalorganisation",
        "RELEASE SAVEPOINT",
    ]
    # Nothing else is written, and nothing is read again per row.
    assert [_statement(q["sql"]) for q in queries] == [
        *["SELECT"] * 2,  # the permission
        *["SAVEPOINT"] * 3,  # the import, the file's rows, import-export's
        *["SAVEPOINT", "SELECT", "RELEASE SAVEPOINT"],  # the file's recorded SIRENs
        *["SELECT"] * 4,  # reference data, once: NAF code, postal code, département, UR
        *batch,  # rows 1-40
        *batch,  # rows 41-80
        *["SAVEPOINT", "RELEASE SAVEPOINT"],  # import-export's own bulk step (nothing)
        "SAVEPOINT",  # after the rows
        *batch,  # rows 81-100
        # import-export's own after_import: the id sequence set past the new rows
        *(["SELECT"] if connection.vendor == "postgresql" else []),
        *["RELEASE SAVEPOINT"] * 4,
    ]
    assert Organisation.history.filter(name__startswith="Entreprise ").count() == 100


def test_sirens_recorded_meanwhile_in_a_later_batch_name_their_lines(officer, monkeypatch):
    monkeypatch.setattr(OrganisationImportResource, "INSERT_BATCH", 4)
    rows = _org_rows(10)
    # Recorded by a colleague after the file's SIRENs were read: lines 7 and 9 (batch 2).
    taken = [valid_siren(10_005), valid_siren(10_007)]
    original = OrganisationImportResource.before_import

    def colleague_records_two(self, dataset, **kwargs):
        original(self, dataset, **kwargs)
        for siren in taken:
            OrganisationFactory(siren=siren)

    monkeypatch.setattr(OrganisationImportResource, "before_import", colleague_records_two)
    with CaptureQueriesContext(connection) as queries:
        outcome = services.organisations_import(
            file=_csv(rows), format="csv", by=officer, dry_run=False
        )
    message = "Une organisation avec ce SIREN est déjà enregistrée."
    assert _messages(outcome) == [(7, "siren", message), (9, "siren", message)]
    assert outcome.created_rows == 0
    assert not Organisation.objects.filter(name__startswith="Entreprise ").exists()
    assert not Organisation.history.filter(name__startswith="Entreprise ").exists()
    # The refused batch: rolled back, then its clashing SIRENs read in one query.
    statements = [_statement(q["sql"]) for q in queries]
    refused = statements.index("ROLLBACK TO SAVEPOINT")
    assert statements[refused - 2 : refused + 3] == [
        "SAVEPOINT",
        "INSERT crm_organisation",
        "ROLLBACK TO SAVEPOINT",
        "RELEASE SAVEPOINT",
        "SELECT",
    ]
    assert statements.count("ROLLBACK TO SAVEPOINT") == 2  # the batch, then the file


def test_a_batch_refused_for_another_reason_names_the_row(officer, monkeypatch):
    # A refusal that is not a SIREN (here a check constraint the import cannot break in
    # practice): each row of the batch written alone finds it.
    from backoffice import resources

    original = resources.organisation_build

    def breaking_line_3(**fields):
        organisation = original(**fields)
        if organisation.name == "Entreprise 1":
            organisation.cooperative_ceased_on = datetime.date(2020, 1, 1)
        return organisation

    monkeypatch.setattr(resources, "organisation_build", breaking_line_3)
    outcome = services.organisations_import(
        file=_csv(_org_rows(4)), format="csv", by=officer, dry_run=False
    )
    [(line, column, message)] = _messages(outcome)
    assert (line, column) == (3, "")
    assert message.startswith("Cette ligne n'a pas pu être enregistrée : ")
    assert not Organisation.objects.filter(name__startswith="Entreprise ").exists()
