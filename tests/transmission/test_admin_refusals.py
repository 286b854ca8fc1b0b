"""The case admin as each user meets it: refusals on the form with the input kept, a
colleague's case read-only, the UR's officers only as assignees, stored values in the
transition forms, and a history in French labels (never transition or stage codes)."""

import datetime
import html
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from crm.roles import Role
from tests.factories import OrganisationFactory, staff_user
from tests.transmission.factories import CaseFactory
from transmission import services
from transmission.choices import ActivityKind, CaseKind, Stage
from transmission.models import Activity, Case

pytestmark = pytest.mark.django_db


class _FormReader(HTMLParser):
    """The values a browser would post from the page's main form (inputs, selects, areas)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(response) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(response.content.decode())
    reader.data.pop("csrfmiddlewaretoken", None)
    return {k: v for k, v in reader.data.items() if "__prefix__" not in k}


def options(response, name: str) -> set[str]:
    page = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no <select name={name}>"
    return {value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def people():
    return {
        "officer": staff_user(Role.OFFICER, "ouest", first_name="Camille", last_name="Le Goff"),
        "colleague": staff_user(Role.OFFICER, "ouest", first_name="Yann", last_name="Kerbrat"),
        "director": staff_user(Role.DIRECTOR, "ouest", first_name="Dominique", last_name="Morvan"),
        "finance": staff_user(Role.FINANCIAL_OFFICER, "ouest"),
        "board": staff_user(Role.BOARD_MEMBER),
        "ara_officer": staff_user(Role.OFFICER, "ara"),
        "ara_director": staff_user(Role.DIRECTOR, "ara"),
        "administrator": staff_user(Role.ADMINISTRATOR),
    }


@pytest.fixture
def case(people):
    return CaseFactory(stage=Stage.QUALIFICATION, assigned_officer=people["officer"])


def change_url(case) -> str:
    return f"/admin/transmission/case/{case.pk}/change/"


def test_a_refused_new_case_comes_back_on_the_form_with_what_was_typed(client, people):
    """The service refuses an administrator opening a case: the form again, not a 403."""
    organisation = OrganisationFactory(postal_code="35000")
    client.force_login(people["administrator"])
    data = form_data(client.get("/admin/transmission/case/add/"))
    data.update(
        organisation=str(organisation.pk),
        kind=CaseKind.TAKEOVER,
        assigned_officer=str(people["ara_officer"].pk),
        source="direct",
        jobs_at_stake="17",
    )
    response = client.post("/admin/transmission/case/add/", data)
    assert response.status_code == 200
    assert "Seule l'équipe de l'union régionale du dossier peut l'ouvrir." in text(response)
    assert form_data(response)["jobs_at_stake"] == "17"
    assert not Case.objects.filter(organisation=organisation).exists()


def test_the_reassignment_list_offers_the_case_urs_officers_and_directors_only(
    client, people, case
):
    expected = {str(people[key].pk) for key in ("officer", "colleague", "director")}
    client.force_login(people["director"])
    assert options(client.get(change_url(case)), "assigned_officer") == expected
    # A national administrator reassigning: the case's UR too, not every account.
    client.force_login(people["administrator"])
    response = client.get(change_url(case))
    if 'name="assigned_officer"' in response.content.decode():
        assert options(response, "assigned_officer") == expected


def test_another_urs_officer_as_assignee_is_refused_on_the_field_with_the_input_kept(
    client, people, case
):
    client.force_login(people["director"])
    data = form_data(client.get(change_url(case)))
    data.update(assigned_officer=str(people["ara_officer"].pk), next_action="Rappeler le cédant")
    response = client.post(change_url(case), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "assigned_officer" in errors
    assert form_data(response)["next_action"] == "Rappeler le cédant"
    case.refresh_from_db()
    assert case.assigned_officer == people["officer"] and case.next_action == ""


def test_a_colleagues_case_is_shown_read_only(client, people, case):
    client.force_login(people["colleague"])
    response = client.get(change_url(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="next_action"' not in page and 'name="_save"' not in page
    assert "/transition/" not in page  # no transition offered either
    client.force_login(people["officer"])
    page = client.get(change_url(case)).content.decode()
    assert 'name="next_action"' in page and 'name="_save"' in page


def test_a_task_without_a_due_date_gets_the_fields_message(client, people, case):
    client.force_login(people["officer"])
    data = form_data(client.get(change_url(case)))
    prefix = next(
        k[: -len("-TOTAL_FORMS")]
        for k in data
        if k.startswith("activities") and k.endswith("-TOTAL_FORMS")
    )
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(index + 1),
            f"{prefix}-{index}-kind": ActivityKind.TASK,
            f"{prefix}-{index}-subject": "Relancer l'expert-comptable",
            f"{prefix}-{index}-due_on": "",
        }
    )
    response = client.post(change_url(case), data)
    assert response.status_code == 200
    assert "Une tâche a besoin d'une échéance." in text(response)
    assert "Relancer l'expert-comptable" in text(response)
    assert not Activity.objects.filter(case=case).exists()


def test_a_transition_form_shows_the_values_already_stored(client, people):
    agreed = timezone.localdate() - datetime.timedelta(days=10)
    case = CaseFactory(
        stage=Stage.FEASIBILITY,
        kind=CaseKind.TAKEOVER,
        assigned_officer=people["officer"],
        valuation=Decimal("123456.00"),
        owner_agreement_on=agreed,
    )
    client.force_login(people["officer"])
    response = client.get(f"/admin/transmission/case/{case.pk}/transition/start_structuring/")
    assert response.status_code == 200
    data = form_data(response)
    assert Decimal(data["valuation"].replace(",", ".")) == Decimal("123456.00")
    assert data["owner_agreement_on"] == agreed.strftime("%d/%m/%Y")


def test_the_history_reads_in_french_labels_never_codes(client, people):
    case = CaseFactory(stage=Stage.LEAD, assigned_officer=people["officer"])
    services.case_transition(case=case, name="qualify", by=people["officer"])
    services.case_transition(
        case=case, name="start_feasibility", by=people["officer"], jobs_at_stake=12
    )
    client.force_login(people["officer"])
    page = text(client.get(change_url(case)))
    assert "Emplois en jeu : 12" in page  # the data given, by field label
    assert '{"jobs_at_stake"' not in page and "&quot;jobs_at_stake&quot;" not in page
    assert "Qualifier" in page and "Signalement → Premiers contacts" in page
    assert "Création" in page  # the first row ("create")
    for code in ("qualify:", "lead → qualification", "create:", "∅ → lead"):
        assert code not in page
    listing = text(client.get("/admin/transmission/stagechange/"))
    assert "Qualifier" in listing and ">qualify<" not in listing
    change = case.stage_changes.get(transition="qualify")
    detail = text(client.get(f"/admin/transmission/stagechange/{change.pk}/change/"))
    assert "Qualifier" in detail and "qualify" not in detail.split("<main", 1)[-1]


def test_another_urs_case_by_typed_admin_url_is_the_french_404(client, settings, people, case):
    settings.DEBUG = False
    client.force_login(people["ara_officer"])
    for url in (change_url(case), f"/admin/transmission/case/{case.pk}/history/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in text(response)
        assert case.reference not in text(response)
