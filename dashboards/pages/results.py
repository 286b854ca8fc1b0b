"""Pages 3, 6 and 7: outcomes (registrations and jobs), sectors and partners."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dashboards import figures
from dashboards.pages.base import PageSpec, PanelSpec, kind_label, month_label, year_label
from dashboards.selectors import outcomes, partners, sectors
from dashboards.tables import Column, Table

GROUP_LABELS = {"kind": _("Kind"), "regional_union": _("Regional union")}


def _incorporations(per, by):
    def build(query, options):
        frame = outcomes.incorporations(query, per=per, by=by)
        frame["period"] = frame["period"].map(month_label if per == "month" else year_label)
        if by == "kind":
            frame["group"] = frame["group"].map(kind_label)
        columns = [Column("period", _("Month") if per == "month" else _("Year"), "text")]
        if by:
            columns.append(Column("group", GROUP_LABELS[by], "text"))
        columns += [
            Column("incorporations", _("Cooperatives registered")),
            Column("jobs", _("Jobs created or saved"), "count", guards=("incorporations",)),
        ]
        return Table(frame, columns)

    return build


def _draw_incorporations(measure):
    def draw(table, options, title):
        group = "group" if any(c.key == "group" for c in table.columns) else None
        return [figures.bars(table, x="period", y=measure, group=group, stacked=True, title=title)]

    return draw


def _total(key):
    def headline(table: Table) -> str:
        from dashboards.tables import SUPPRESSED, format_value

        total = table.frame[key].sum() if not table.frame.empty else 0
        if table.suppressed is not None and 0 < total < 5:
            return SUPPRESSED
        return format_value(total, "count")

    return headline


OUTCOMES = PageSpec(
    slug="resultats",
    title=_("Outcomes"),
    intro=_("Cooperatives registered and the jobs they created or saved, by month and by year."),
    method=_(
        "A case counts in the month of its registration date; its jobs are those recorded "
        "at registration."
    ),
    panels=[
        PanelSpec(
            "immatriculations-mois",
            _("Cooperatives registered per month, by kind"),
            _incorporations("month", "kind"),
            _draw_incorporations("incorporations"),
            in_report=True,
        ),
        PanelSpec(
            "emplois-mois",
            _("Jobs created or saved per month, by kind"),
            _incorporations("month", "kind"),
            _draw_incorporations("jobs"),
        ),
        PanelSpec(
            "immatriculations-mois-ur",
            _("Cooperatives registered per month, by regional union"),
            _incorporations("month", "regional_union"),
            _draw_incorporations("incorporations"),
        ),
        PanelSpec(
            "annee-type",
            _("Registrations and jobs per year, by kind"),
            _incorporations("year", "kind"),
            _draw_incorporations("incorporations"),
        ),
        PanelSpec(
            "annee-ur",
            _("Jobs created or saved per year, by regional union"),
            _incorporations("year", "regional_union"),
            _draw_incorporations("jobs"),
            in_report=True,
        ),
    ],
    headlines=[
        (_("Cooperatives registered"), "annee-type", _total("incorporations")),
        (_("Jobs created or saved"), "annee-type", _total("jobs")),
    ],
)


# --- Sectors -------------------------------------------------------------------------------

SECTOR_COLUMNS = [
    Column("cases", _("Cases opened")),
    Column("incorporations", _("Cooperatives registered")),
    Column("jobs", _("Jobs created or saved"), "count", guards=("incorporations",)),
]


def _by_filiere(query, options):
    frame = sectors.by_filiere(query).drop(columns="regional_union")
    return Table(frame, [Column("filiere", _("Sector"), "text"), *SECTOR_COLUMNS])


def _priority(query, options):
    frame = sectors.priority_against_others(query)
    frame["priority"] = frame["priority"].map(
        lambda p: str(_("priority sectors")) if p else str(_("other sectors"))
    )
    return Table(
        frame,
        [
            Column("regional_union", _("Regional union"), "text"),
            Column("priority", _("Sectors"), "text"),
            *SECTOR_COLUMNS,
        ],
    )


def _ur_filiere(query, options):
    frame = sectors.by_filiere(query, by_ur=True)
    return Table(
        frame,
        [
            Column("regional_union", _("Regional union"), "text"),
            Column("filiere", _("Sector"), "text"),
            *SECTOR_COLUMNS,
        ],
    )


def _draw_filieres(table, options, title):
    return [figures.bars_multi(table, x="filiere", ys=["cases", "incorporations"], title=title)]


def _draw_priority(table, options, title):
    return [figures.bars(table, x="regional_union", y="cases", group="priority", title=title)]


def _draw_ur_filiere(table, options, title):
    return [
        figures.bars(
            table, x="regional_union", y="cases", group="filiere", stacked=True, title=title
        )
    ]


def _priority_share(table: Table) -> str:
    from dashboards.tables import format_value

    frame = table.frame
    if frame.empty or not frame["cases"].sum():
        return "–"
    priority = frame[frame["priority"] == str(_("priority sectors"))]["cases"].sum()
    return format_value(priority / frame["cases"].sum(), "share")


SECTORS = PageSpec(
    slug="filieres",
    title=_("Sectors"),
    intro=_(
        "Cases, registrations and jobs by sector (filière), and the regional unions' priority "
        "sectors against the others."
    ),
    method=_(
        "A case belongs to the sectors of its organisation's NAF code; a case in two sectors "
        "counts in both, so the rows do not add up to the total. A sector is a priority when "
        "the case's regional union, or the région of the organisation, designates it on the "
        "last day of the period."
    ),
    panels=[
        PanelSpec("par-filiere", _("By sector"), _by_filiere, _draw_filieres, in_report=True),
        PanelSpec(
            "prioritaires",
            _("Priority sectors against the others, by regional union"),
            _priority,
            _draw_priority,
            in_report=True,
        ),
        PanelSpec(
            "ur-filiere",
            _("Cases opened by regional union and sector"),
            _ur_filiere,
            _draw_ur_filiere,
        ),
    ],
    headlines=[(_("Share of cases in priority sectors"), "prioritaires", _priority_share)],
)


# --- Partners ------------------------------------------------------------------------------


def _partners(query, options):
    frame = partners.partner_leads(query)
    return Table(
        frame,
        [
            Column("partner", _("Partner"), "text"),
            Column("leads", _("Leads")),
            Column("accepted", _("Accepted"), guards=("leads", "accepted")),
            Column("accepted_share", _("Share accepted"), "share", guards=("leads", "accepted")),
            Column("incorporated", _("Registered"), guards=("leads", "incorporated")),
            Column(
                "conversion",
                _("Conversion to registration"),
                "share",
                guards=("leads", "incorporated"),
            ),
            Column("median_days", _("Median days to first contact"), "days", guards=("leads",)),
        ],
    )


def _draw_partners(table, options, title):
    return [
        figures.bars(table, x="partner", y="leads", horizontal=True, title=title),
        figures.bars(
            table,
            x="partner",
            y="conversion",
            horizontal=True,
            percent=True,
            title=str(_("Conversion to registration")),
        ),
    ]


def _partner_total(table: Table) -> str:
    from dashboards.tables import format_value

    return format_value(table.frame["leads"].sum() if not table.frame.empty else 0, "count")


PARTNERS = PageSpec(
    slug="partenaires",
    title=_("Partners"),
    intro=_(
        "The leads the partner networks brought (resolution 4): how many, the share accepted, "
        "their conversion to a registered cooperative and the time to the first contact."
    ),
    method=_(
        "A partner's leads are the cases opened in the period with that partner as source. "
        "Accepted: not “not retained”. Time to first contact: from the opening of the case "
        "to its first entry into “first contacts”, a Kaplan–Meier median counting the leads "
        "still waiting as censored."
    ),
    panels=[
        PanelSpec("partenaires", _("Leads by partner"), _partners, _draw_partners, in_report=True),
    ],
    headlines=[(_("Leads from partners"), "partenaires", _partner_total)],
)
