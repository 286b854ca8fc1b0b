"""Sixteen people moving the same case at the same moment: one wins, the others are told."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.transmission.factories import CaseFactory, officer_and_director
from transmission import services
from transmission.choices import Stage
from transmission.models import Case, StageChange

THREADS = 16
TRIALS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_winner_per_trial_and_a_clear_conflict_for_the_others(requires_postgresql):
    officer, director = officer_and_director("ouest")
    case = CaseFactory(stage=Stage.STRUCTURING, assigned_officer=officer)
    history_before = StageChange.objects.filter(case=case).count()
    review_on = timezone.localdate() + datetime.timedelta(days=30)
    read, done = (threading.Barrier(THREADS) for _ in range(2))
    outcomes = [[None] * THREADS for _ in range(TRIALS)]

    def worker(index: int) -> None:
        user = director if index % 2 else officer
        try:
            for trial in range(TRIALS):
                mine = Case.objects.get(pk=case.pk)
                read.wait()
                try:
                    if trial % 2 == 0:
                        services.case_transition(
                            case=mine, name="put_on_hold", by=user, review_on=review_on
                        )
                    else:
                        services.case_transition(case=mine, name="resume", by=user)
                    outcomes[trial][index] = "won"
                except services.CaseConflict:
                    outcomes[trial][index] = "conflict"
                except Exception as error:
                    outcomes[trial][index] = repr(error)
                done.wait()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for trial, results in enumerate(outcomes):
        assert results.count("won") == 1, (trial, results)
        assert results.count("conflict") == THREADS - 1, (trial, results)
    winners = TRIALS
    assert StageChange.objects.filter(case=case).count() == history_before + winners
    case.refresh_from_db()
    assert case.stage == Stage.STRUCTURING  # an even number of hold/resume pairs
    assert case.version == winners


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_references_stay_unique_and_gapless_when_cases_open_at_once(requires_postgresql):
    from tests.factories import OrganisationFactory
    from transmission.choices import CaseKind

    officer, _ = officer_and_director("ouest")
    organisations = [OrganisationFactory(postal_code="35000") for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    references, errors = [], []

    def worker(organisation) -> None:
        try:
            start.wait()
            case = services.case_create(
                organisation=organisation, kind=CaseKind.CREATION, by=officer
            )
            references.append(case.reference)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(o,)) for o in organisations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    year = timezone.localdate().year
    assert sorted(references) == [f"OUEST-{year}-{n:04d}" for n in range(1, THREADS + 1)]
