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
@pytest.mark.django_db(transaction=True)
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
