"""The dashboard pages, in the order of the navigation and of the board report."""

from dashboards.pages.base import Options, PageSpec, PanelSpec
from dashboards.pages.citizenship import CITIZENSHIP
from dashboards.pages.money import EQUITY, FINANCING
from dashboards.pages.pipeline import FUNNEL, VELOCITY
from dashboards.pages.results import OUTCOMES, PARTNERS, SECTORS
from dashboards.pages.survival import SURVIVAL

PAGES: dict[str, PageSpec] = {
    page.slug: page
    for page in [
        FUNNEL,
        VELOCITY,
        OUTCOMES,
        EQUITY,
        FINANCING,
        SECTORS,
        PARTNERS,
        SURVIVAL,
        CITIZENSHIP,
    ]
}

__all__ = ["PAGES", "Options", "PageSpec", "PanelSpec"]
