import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from transmission import workflow
from transmission.diagram import DIAGRAM_PATH, workflow_dot


def test_the_committed_diagram_matches_the_code():
    committed = (Path(settings.BASE_DIR) / DIAGRAM_PATH).read_text(encoding="utf-8")
    assert committed == workflow_dot(), "run: python manage.py workflow_diagram"
    call_command("workflow_diagram", "--check", stdout=io.StringIO())


def test_the_diagram_shows_every_transition_and_french_stage_labels():
    dot = workflow_dot()
    for name in workflow.TRANSITION_NAMES:
        assert f"({name})" in dot
    for label in ("Signalement", "Tour de table", "Coopérative immatriculée", "Non retenu"):
        assert f'"{label}"' in dot


def test_the_check_fails_when_the_code_changes(monkeypatch):
    monkeypatch.setattr(
        "transmission.management.commands.workflow_diagram.workflow_dot", lambda: "digraph {}\n"
    )
    with pytest.raises(CommandError):
        call_command("workflow_diagram", "--check", stdout=io.StringIO())
