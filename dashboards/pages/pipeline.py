"""Pages 1 and 2: the funnel and the velocity of the pipeline."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dashboards import figures
from dashboards.pages.base import (
    PageSpec,
    PanelSpec,
    cell,
    kind_label,
    reason_label,
    stage_label,
)
from dashboards.selectors import funnel, velocity
from dashboards.tables import Column, Table
from transmission.choices import CaseTag, Stage

GROUP_LABELS = {"kind": _("Kind"), "regional_union": _("Regional union")}


def _stages_now(query, options):
    frame = funnel.stages_now(query)
    frame["stage"] = frame["stage"].map(stage_label)
    return Table(frame, [Column("stage", _("Stage"), "text"), Column("cases", _("Cases"))])


def _cohort(by):
    def build(query, options):
        frame = funnel.cohort_conversion(query, by)
        frame["stage"] = frame["stage"].map(stage_label)
        columns = []
        if by:
            if by == "kind":
                frame["group"] = frame["group"].map(kind_label)
            columns.append(Column("group", GROUP_LABELS[by], "text"))
        columns += [
            Column("stage", _("Stage"), "text"),
            Column("opened", _("Cases opened")),
            Column("reached", _("Cases that reached the stage")),
            Column("share", _("Share"), "share", guards=("reached", "opened")),
        ]
        return Table(frame, columns)

    return build


def _abandonment(query, options):
    frame = funnel.abandonment_reasons(query)
    frame["previous_stage"] = frame["previous_stage"].map(stage_label)
    frame["abandon_reason"] = frame["abandon_reason"].map(reason_label)
    return Table(
        frame,
        [
            Column("previous_stage", _("Stage abandoned in"), "text"),
            Column("abandon_reason", _("Reason"), "text"),
            Column("cases", _("Cases")),
        ],
    )


def _tags(query, options):
    frame = funnel.cases_by_tag(query)
    frame["tag"] = frame["tag"].map(lambda code: str(CaseTag(code).label).capitalize())
    return Table(
        frame,
        [
            Column("tag", _("Tag"), "text"),
            Column("cases", _("Cases opened")),
            Column("registered", _("Of which registered"), guards=("registered", "cases")),
            Column("jobs", _("Jobs at stake"), guards=("cases",)),
        ],
    )


def _draw_tags(table, options, title):
    return [figures.bars(table, x="tag", y="cases", title=title)]


def _draw_stages(table, options, title):
    return [figures.bars(table, x="stage", y="cases", title=title)]


def _draw_cohort(group):
    def draw(table, options, title):
        return [figures.bars(table, x="stage", y="share", group=group, title=title, percent=True)]

    return draw


def _draw_abandonment(table, options, title):
    return [
        figures.bars(
            table,
            x="previous_stage",
            y="cases",
            group="abandon_reason",
            stacked=True,
            title=title,
        )
    ]


FUNNEL = PageSpec(
    slug="entonnoir",
    title=_("Funnel"),
    intro=_(
        "Cases by stage today, and what became of the cases opened in the period: the share "
        "that reached each stage, by kind and by regional union, and why cases were abandoned."
    ),
    method=_(
        "A case has reached a stage when its history shows it there, when it rests there, or "
        "when it was abandoned or paused from it: a case abandoned during the financing round "
        "counts as having reached the financing round. Stages are counted as visited: a "
        "takeover in difficulty that skipped the diagnostic has not reached it."
    ),
    panels=[
        PanelSpec(
            "etapes",
            _("Cases by stage today"),
            _stages_now,
            _draw_stages,
            _("Every case opened before the end of the period, by its current stage."),
            in_report=True,
        ),
        PanelSpec(
            "cohorte",
            _("Cohort conversion"),
            _cohort(None),
            _draw_cohort(None),
            _("Of the cases opened in the period, the share that reached each stage."),
            in_report=True,
        ),
        PanelSpec(
            "cohorte-type",
            _("Cohort conversion by kind"),
            _cohort("kind"),
            _draw_cohort("group"),
        ),
        PanelSpec(
            "cohorte-ur",
            _("Cohort conversion by regional union"),
            _cohort("regional_union"),
            _draw_cohort("group"),
        ),
        PanelSpec(
            "abandons",
            _("Reasons for abandoning, by stage"),
            _abandonment,
            _draw_abandonment,
            _("Cases abandoned during the period (and still abandoned)."),
            in_report=True,
        ),
        PanelSpec(
            "etiquettes",
            _("Cases by tag (resolution 10)"),
            _tags,
            _draw_tags,
            _(
                "Cases opened in the period tagged for what no NAF code says: relocation, "
                "ecological transition, collective know-how. A case may carry several tags."
            ),
        ),
    ],
    headlines=[
        (_("Cases opened in the period"), "cohorte", lambda t: cell(t, "opened")),
        (
            _("Share of them registered as cooperatives"),
            "cohorte",
            lambda t: cell(t, "share", {"stage": stage_label(Stage.INCORPORATED)}),
        ),
    ],
)


# --- Velocity ------------------------------------------------------------------------------


def _durations(by):
    def build(query, options):
        frame = velocity.time_in_stage(query, by)
        frame["stage"] = frame["stage"].map(stage_label)
        columns = []
        if by:
            if by == "kind":
                frame["group"] = frame["group"].map(kind_label)
            columns.append(Column("group", GROUP_LABELS[by], "text"))
        columns += _duration_columns(stage=True)
        return Table(frame, columns)

    return build


def _duration_columns(stage: bool) -> list[Column]:
    columns = [Column("stage", _("Stage"), "text")] if stage else []
    return [
        *columns,
        Column("spells", _("Stays")),
        Column("events", _("Ended"), guards=("spells", "events")),
        Column("censored", _("Still running (censored)"), guards=("spells", "censored")),
        Column("median", _("Median (days)"), "days", guards=("spells",)),
        Column("p90", _("90th percentile (days)"), "days", guards=("spells",)),
    ]


def _lead_to_incorporation(query, options):
    frame = velocity.lead_to_incorporation(query, "kind")
    overall = velocity.lead_to_incorporation(query)
    overall["group"] = str(_("All kinds"))
    frame["group"] = frame["group"].map(kind_label)
    frame = _concat(overall, frame)
    return Table(frame, [Column("group", _("Kind"), "text"), *_duration_columns(stage=False)])


def _concat(*frames):
    import pandas as pd

    return pd.concat([f for f in frames if not f.empty] or [frames[0]], ignore_index=True)


def _curve(query, options):
    frame = velocity.lead_to_incorporation_curve(query)
    table = velocity.lead_to_incorporation_life_table(query)
    frame["cases"] = int(table["spells"].sum()) if not table.empty else 0
    return Table(
        frame,
        [
            Column("days", _("Days since the case was opened"), "count", guards=("cases",)),
            Column("not_registered", _("Share not yet registered"), "share", guards=("cases",)),
            Column("cases", _("Cases observed")),
        ],
    )


def _draw_durations(group):
    def draw(table, options, title):
        if group:
            return [figures.bars(table, x="stage", y="median", group=group, title=title)]
        return [figures.bars_multi(table, x="stage", ys=["median", "p90"], title=title)]

    return draw


def _draw_lead(table, options, title):
    return [figures.bars_multi(table, x="group", ys=["median", "p90"], title=title)]


def _draw_curve(table, options, title):
    return [
        figures.lines(table, x="days", y="not_registered", title=title, percent=True, shape="hv")
    ]


VELOCITY = PageSpec(
    slug="vitesse",
    title=_("Velocity"),
    intro=_(
        "How long cases stay in each stage, and how long they take from the first signal "
        "to the registration of the cooperative."
    ),
    method=_(
        "Medians and 90th percentiles are Kaplan–Meier estimates on whole days: a stay that "
        "is still running (the case is still in the stage, or was put on hold) counts as "
        "censored — it lasted at least that long — instead of being dropped or counted as "
        "finished. A stay ends when the case leaves the stage, forward or not. A percentile "
        "shows “–” while too many cases are still running to know it. Stays are those "
        "that began in the period. From lead to registration, abandoned and not-retained "
        "cases are left out."
    ),
    panels=[
        PanelSpec(
            "duree-etape",
            _("Time in each stage"),
            _durations(None),
            _draw_durations(None),
            in_report=True,
        ),
        PanelSpec(
            "duree-etape-type",
            _("Median time in each stage, by kind"),
            _durations("kind"),
            _draw_durations("group"),
        ),
        PanelSpec(
            "duree-etape-ur",
            _("Median time in each stage, by regional union"),
            _durations("regional_union"),
            _draw_durations("group"),
        ),
        PanelSpec(
            "signalement-immatriculation",
            _("From lead to registration"),
            _lead_to_incorporation,
            _draw_lead,
            _("Cases opened in the period."),
            in_report=True,
        ),
        PanelSpec(
            "courbe-immatriculation",
            _("Cases not yet registered, by days since opening (Kaplan–Meier)"),
            _curve,
            _draw_curve,
        ),
    ],
    headlines=[
        (
            _("Median time from lead to registration"),
            "signalement-immatriculation",
            lambda t: cell(t, "median"),
        ),
    ],
)
