"""Writes of the back office: compositions of the lower apps' services, nothing more."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.forms.models import model_to_dict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backoffice.access import works_on_cases
from backoffice.models import DigestPreference, PersonMerge
from backoffice.search_text import fold
from backoffice.selectors import day
from backoffice.selectors.staff import digest_recipients
from crm.models import Organisation, Person
from crm.scoping import scope_queryset
from crm.services import organisation_create
from transmission.models import Case
from transmission.services import case_create


@transaction.atomic
def case_open_by_hand(
    *,
    by,
    organisation: Organisation | None = None,
    organisation_fields: dict | None = None,
    **case_fields,
) -> Case:
    """A case opened after a phone call, for a known organisation or a new one.

    The new organisation and its case commit together: a refused case leaves no orphan.
    """
    if organisation is None:
        organisation = organisation_create(**(organisation_fields or {}))
    return case_create(organisation=organisation, by=by, **case_fields)


# Fields copied from the duplicate onto the person kept when the kept one has none.
MERGE_FILLED_FIELDS = ["email", "phone", "organisation", "consent_date", "source"]


def _same_person(kept: Person, duplicate: Person) -> bool:
    same_email = bool(kept.email) and kept.email.lower() == duplicate.email.lower()
    same_name = (
        kept.organisation_id is not None
        and kept.organisation_id == duplicate.organisation_id
        and fold(kept.first_name) == fold(duplicate.first_name)
        and fold(kept.last_name) == fold(duplicate.last_name)
    )
    return same_email or same_name


@transaction.atomic
def person_merge(*, kept: Person, duplicate: Person, by) -> PersonMerge:
    """Merge ``duplicate`` into ``kept``: the blanks of ``kept`` take the duplicate's values,
    the duplicate goes, and a record keeps it as it was and who merged it.

    Only officers and directors, on two people of their territory that are duplicates (same
    e-mail, or same name in the same organisation). Nothing else points at a person today;
    a model that comes to reference ``Person`` must be re-pointed here.
    """
    if not works_on_cases(by):
        raise PermissionDenied(_("Only officers and directors merge people."))
    people = {
        person.pk: person
        for person in scope_queryset(
            Person.objects.select_for_update().filter(pk__in=[kept.pk, duplicate.pk]), by
        )
    }
    if kept.pk == duplicate.pk or len(people) != 2:
        raise ValidationError(_("Choose two different people of your territory."))
    kept, duplicate = people[kept.pk], people[duplicate.pk]
    if not _same_person(kept, duplicate):
        raise ValidationError(
            _("These two people share neither an e-mail nor a name in one organisation.")
        )
    snapshot = model_to_dict(duplicate)
    for name in MERGE_FILLED_FIELDS:
        if getattr(kept, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
            setattr(kept, name, getattr(duplicate, name))
    kept.full_clean()
    kept.save()
    record = PersonMerge.objects.create(
        kept=kept, merged_name=str(duplicate), merged_data=snapshot, by=by
    )
    duplicate.delete()
    return record


def digest_preference_set(*, user, daily_digest: bool) -> DigestPreference:
    """A user turns their own daily digest on or off."""
    preference, _created = DigestPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": daily_digest}
    )
    return preference


def daily_digest_send(*, today: datetime.date | None = None) -> int:
    """E-mail each officer and director their tasks and next actions due today or overdue.

    Nobody who opted out, nobody with nothing due, nobody without an address. Returns the
    number of e-mails sent. One message per person: a failing address does not stop the rest.
    """
    today = today or timezone.localdate()
    sent = 0
    for user in digest_recipients():
        tasks = list(day.tasks_due(user=user, today=today))
        next_actions = list(day.next_actions_due(user=user, today=today))
        if not tasks and not next_actions:
            continue
        context = {"user": user, "today": today, "tasks": tasks, "next_actions": next_actions}
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Relève – your day of %(date)s") % {
                "date": date_format(today, "SHORT_DATE_FORMAT")
            }
            body = render_to_string("backoffice/email/daily_digest.txt", context)
        sent += send_mail(subject, body, None, [user.email], fail_silently=True)
    return sent
