"""The back office in a real browser: an officer's day, a director's reassignment, another
UR's officer kept out, a case's tags and whole timeline, the day's alerts down to the court's
calendar and the employees' information. The fixtures fail on any console error or request
leaving 127.0.0.1."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.selectors.case_page import TIMELINE_PAGE_SIZE
from crm.roles import Role
from tests.e2e.conftest import PageWatch
from tests.factories import OrganisationFactory, PersonFactory, staff_user
from tests.followup.helpers import cooperative
from tests.transmission.factories import CaseFactory
from transmission import services
from transmission.choices import ActivityKind
from transmission.models import Case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "secret-password-123"


def sign_in(page, username: str) -> None:
    page.goto("/connexion/?next=/journee/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/journee/")


def test_an_officer_works_a_case_from_the_day_to_the_timeline(page):
    officer = staff_user(
        Role.OFFICER,
        "ouest",
        username="camille",
        password=PASSWORD,
        first_name="Camille",
        last_name="Le Goff",
    )
    case = CaseFactory(
        stage="qualification",
        assigned_officer=officer,
        organisation=OrganisationFactory(name="Menuiserie Guégan"),
    )
    PersonFactory(first_name="Cécile", last_name="Guéguen", organisation=case.organisation)
    services.activity_create(
        case=case,
        by=officer,
        kind=ActivityKind.TASK,
        subject="Rappeler le cédant",
        due_on=timezone.localdate(),
    )

    sign_in(page, "camille")
    expect(page.locator("h1")).to_contain_text("Ma journée")
    expect(page.locator(".account-name")).to_have_text("Camille Le Goff")
    expect(page.locator("#day-tasks")).to_contain_text("Rappeler le cédant")

    # The board: drag the card to the next column; the form asks for what is missing.
    page.get_by_role("link", name="Pipeline").click()
    card = page.locator(".card", has_text="Menuiserie Guégan")
    expect(card).to_be_visible()
    card.drag_to(page.locator('ol.cards[data-stage="feasibility"]'))
    dialog = page.locator("dialog#modal")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#modal-title")).to_contain_text("Lancer le diagnostic")
    dialog.get_by_role("button", name="Lancer le diagnostic").click()
    field = dialog.locator(".field.has-error")
    expect(field).to_contain_text("Le nombre d'emplois en jeu manque.")
    expect(field.get_by_label("Emplois en jeu")).to_be_visible()
    dialog.get_by_label("Emplois en jeu").fill("12")
    dialog.get_by_role("button", name="Lancer le diagnostic").click()

    # Done: the case page, its timeline newest first.
    page.wait_for_url(re.compile(rf"/dossiers/{case.pk}/$"))
    first_entry = page.locator(".timeline .entry").first
    expect(first_entry).to_contain_text("Lancer le diagnostic")
    expect(first_entry).to_contain_text("Premiers contacts → Diagnostic")
    assert Case.objects.get(pk=case.pk).stage == "feasibility"

    # A task: added without a date first (refused on the field), then with one, then done.
    tasks = page.locator("#tasks")
    tasks.get_by_label("Objet").fill("Envoyer le diagnostic")
    tasks.get_by_role("button", name="Ajouter la tâche").click()
    expect(page.locator("#tasks .field.has-error")).to_contain_text(
        "Une tâche a besoin d'une échéance."
    )
    page.locator("#tasks").get_by_label("Échéance").fill(timezone.localdate().isoformat())
    page.locator("#tasks").get_by_role("button", name="Ajouter la tâche").click()
    row = page.locator("#tasks .row", has_text="Envoyer le diagnostic")
    expect(row).to_be_visible()
    row.get_by_role("button", name="Marquer « Envoyer le diagnostic » comme faite").click()
    expect(page.locator(".row.done", has_text="Envoyer le diagnostic")).to_be_visible()

    # The global search, from the keyboard, without accents.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type("cecile gueguen")
    page.keyboard.press("Enter")
    expect(page.locator("#found-people + .rows")).to_contain_text("Cécile Guéguen")

    # The people list, filtered, exported.
    page.get_by_role("link", name="Personnes").click()
    page.locator("form.filters").get_by_label("Rechercher").fill("gueguen")
    page.locator("form.filters").get_by_role("button", name="Filtrer").click()
    expect(page.locator("table tbody")).to_contain_text("Guéguen")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Guéguen" in content and content.count("\n") == 2


def test_a_director_reassigns_a_case(page):
    staff_user(Role.DIRECTOR, "ouest", username="dominique", password=PASSWORD)
    officer = staff_user(Role.OFFICER, "ouest", first_name="Camille", last_name="Le Goff")
    staff_user(Role.OFFICER, "ouest", first_name="Yann", last_name="Kerbrat")
    staff_user(Role.OFFICER, "ara", first_name="Claude", last_name="Girard")
    case = CaseFactory(assigned_officer=officer, organisation=OrganisationFactory(name="Scierie"))

    sign_in(page, "dominique")
    page.goto(f"/dossiers/{case.pk}/")
    select = page.get_by_label("Chargé de développement")
    options = select.locator("option").all_inner_texts()
    assert "Claude Girard" not in options and "Yann Kerbrat" in options
    select.select_option(label="Yann Kerbrat")
    page.get_by_role("button", name="Réattribuer").click()
    expect(page.locator(".messages")).to_contain_text("Le dossier a été réattribué.")
    expect(page.locator(".case-header")).to_contain_text("Yann Kerbrat")


def test_an_officer_of_another_ur_gets_the_french_404(browser, live_server):
    # Chromium reports the document's own 404 as a console error: this test watches the page
    # itself and allows exactly that one message, nothing else.
    staff_user(Role.OFFICER, "ara", username="claude", password=PASSWORD)
    case = CaseFactory(organisation=OrganisationFactory(name="Menuiserie Guégan"))
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris"
    )
    page = context.new_page()
    watch = PageWatch(page)
    sign_in(page, "claude")
    response = page.goto(f"/dossiers/{case.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")
    assert "Menuiserie Guégan" not in page.content()
    context.close()
    expected = "Failed to load resource: the server responded with a status of 404 (Not Found)"
    assert watch.console_errors == [expected]
    assert watch.foreign_requests == []


def test_an_officer_tags_a_case_and_reads_its_whole_timeline(page):
    officer = staff_user(Role.OFFICER, "ouest", username="camille", password=PASSWORD)
    case = CaseFactory(
        stage="qualification",
        assigned_officer=officer,
        organisation=OrganisationFactory(name="Menuiserie Guégan"),
    )
    for index in range(TIMELINE_PAGE_SIZE + 4):
        services.activity_create(
            case=case, by=officer, kind=ActivityKind.NOTE, subject=f"Note n° {index:02d}"
        )
    total = case.stage_changes.count() + case.activities.count()

    sign_in(page, "camille")
    page.goto(f"/dossiers/{case.pk}/")

    # The tags: a group of checkboxes named by its legend, saved, then shown checked.
    tags = page.get_by_role("group", name="Étiquettes")
    tags.get_by_label("Transition écologique").check()
    page.get_by_role("button", name="Enregistrer les étiquettes").click()
    expect(page.locator(".messages")).to_contain_text("Les étiquettes ont été enregistrées.")
    expect(tags.get_by_label("Transition écologique")).to_be_checked()
    expect(tags.get_by_label("Relocalisation de la production")).not_to_be_checked()
    assert list(case.tags.values_list("tag", flat=True)) == ["ecological_transition"]

    # The timeline: the newest page, then "voir plus" from the keyboard appends the rest once.
    entries = page.locator(".timeline .entry")
    expect(entries).to_have_count(TIMELINE_PAGE_SIZE)
    expect(entries.first).to_contain_text(f"Note : Note n° {TIMELINE_PAGE_SIZE + 3:02d}")
    first_page = entries.all_inner_texts()
    page.get_by_role("button", name="Voir plus").focus()
    page.keyboard.press("Enter")
    expect(entries).to_have_count(total)
    # The focus goes to the first older entry, not back to the top of the page.
    expect(entries.nth(TIMELINE_PAGE_SIZE)).to_be_focused()
    everything = entries.all_inner_texts()
    assert everything[:TIMELINE_PAGE_SIZE] == first_page
    assert len(set(everything)) == total
    expect(entries.last).to_contain_text("Dossier ouvert")
    expect(page.get_by_role("button", name="Voir plus")).to_have_count(0)


def test_my_day_alerts_lead_to_the_court_calendar_and_the_employees_information(page):
    officer = staff_user(Role.OFFICER, "ouest", username="camille", password=PASSWORD)
    today = timezone.localdate()
    informed_on = today - datetime.timedelta(days=10)
    deadline = today + datetime.timedelta(days=5)
    hearing = today + datetime.timedelta(days=12)
    CaseFactory(
        kind="takeover",
        stage="closing",
        assigned_officer=officer,
        employees_informed_on=informed_on,
        organisation=OrganisationFactory(name="Imprimerie Le Du", employees=15),
    )
    distress = CaseFactory(
        kind="takeover_distress",
        stage="financing",
        assigned_officer=officer,
        opening_judgment_on=today - datetime.timedelta(days=40),
        court_offer_deadline=deadline,
        court_hearing_on=hearing,
        organisation=OrganisationFactory(name="Fonderie de l'Odet"),
    )
    # Incorporated two years ago, last year's review not in: a row of the follow-up.
    cooperative(
        since=datetime.date(today.year - 2, 1, 10),
        name="Société coopérative de production des Ateliers réunis du Vieux Port de Douarnenez",
    )

    sign_in(page, "camille")
    # A long name wraps in its own column: date, review and cooperative stay on one line.
    row = page.locator("#day-reviews .row", has_text="Douarnenez").first
    due_on, cooperative_link = row.locator("span").first, row.get_by_role("link")
    expect(cooperative_link).to_be_visible()
    assert cooperative_link.bounding_box()["y"] == pytest.approx(due_on.bounding_box()["y"], abs=4)
    alerts = page.get_by_role("region", name="Alertes")
    court = alerts.locator("h3", has_text="Date limite des offres au tribunal").locator("+ ul")
    expect(court).to_contain_text(f"{deadline:%d/%m/%Y}")
    expect(court).to_contain_text("Fonderie de l'Odet")
    hearings = alerts.locator("h3", has_text="Audience du tribunal dans les 15 jours").locator(
        "+ ul"
    )
    expect(hearings).to_contain_text(f"{hearing:%d/%m/%Y}")
    notice = alerts.locator("h3", has_text="Information des salariés à vérifier").locator("+ ul")
    expect(notice).to_contain_text("Imprimerie Le Du")
    expect(notice).to_contain_text(f"{informed_on:%d/%m/%Y}")

    # The court's calendar on the case page, in the law's order, dates as dd/mm/yyyy.
    hearings.get_by_role("link", name=re.compile("Fonderie de l'Odet")).click()
    page.wait_for_url(re.compile(rf"/dossiers/{distress.pk}/$"))
    milestones = page.locator(".milestones")
    labels = milestones.locator("dt").all_inner_texts()
    assert labels[:3] == [
        "Jugement d'ouverture de la procédure le",
        "Date limite de dépôt des offres (tribunal)",
        "Audience du tribunal le",
    ]
    values = milestones.locator("dd").all_inner_texts()
    opened_on = distress.opening_judgment_on
    assert values[:3] == [f"{opened_on:%d/%m/%Y}", f"{deadline:%d/%m/%Y}", f"{hearing:%d/%m/%Y}"]
    # A court's sale: no prior information of the employees, no panel.
    expect(page.get_by_role("region", name="Information des salariés")).to_have_count(0)

    # The takeover signed too soon after the information: the panel warns, in French.
    page.go_back()
    notice.get_by_role("link", name=re.compile("Imprimerie Le Du")).click()
    panel = page.get_by_role("region", name="Information des salariés")
    warning = panel.get_by_role("alert")
    expect(warning).to_contain_text(f"{informed_on:%d/%m/%Y}")
    expect(warning.locator(".badge")).to_have_text("Informés moins de deux mois avant la cession")


def test_an_officer_enters_the_members_and_reads_what_the_law_finds_short(page):
    officer = staff_user(Role.OFFICER, "ouest", username="camille", password=PASSWORD)
    case = CaseFactory(
        stage="structuring",
        target_form="scop_sarl",
        assigned_officer=officer,
        organisation=OrganisationFactory(name="Imprimerie Morel"),
        members=False,
    )
    sign_in(page, "camille")
    page.goto(f"/dossiers/{case.pk}/")
    section = page.locator("section", has=page.locator("#members-title"))
    expect(section).to_contain_text("Aucun associé renseigné pour l'instant.")
    form = section.locator("#member-form")

    # A figure refused by the service: the French message on its field, the input kept.
    form.get_by_label("Catégorie").select_option(label="Associés salariés")
    form.get_by_label("Nombre d'associés").fill("0")
    form.get_by_label("Capital détenu (€)").fill("1 500,50")
    form.get_by_role("button", name="Enregistrer la catégorie").click()
    field = page.locator("#member-form .field.has-error")
    expect(field).to_contain_text("Une catégorie compte au moins un associé.")
    expect(page.locator("#member-form").get_by_label("Capital détenu (€)")).to_have_value(
        "1 500,50"
    )

    form = page.locator("#member-form")
    form.get_by_label("Nombre d'associés").fill("3")
    form.get_by_role("button", name="Enregistrer la catégorie").click()
    expect(page.locator(".message")).to_contain_text("Les associés ont été enregistrés.")
    form = page.locator("#member-form")
    form.get_by_label("Catégorie").select_option(label="Autres associés")
    form.get_by_label("Nombre d'associés").fill("2")
    form.get_by_label("Capital détenu (€)").fill("4000")
    form.get_by_role("button", name="Enregistrer la catégorie").click()

    section = page.locator("section", has=page.locator("#members-title"))
    expect(section.locator("tbody tr")).to_have_count(2)
    expect(section.locator("tfoot")).to_contain_text("5\u00a0500,50\u00a0€")
    # 1,500.50 of 5,500.50 € = 27.3 %; 3 of 5 votes = 60 %: both short, each by how much.
    warning = section.locator(".warning")
    expect(warning).to_contain_text("Les associés salariés détiennent 27,3 % du capital")
    expect(warning).to_contain_text("Les associés salariés détiennent 60 % des voix")
    expect(warning).to_contain_text("il manque 5 points")
