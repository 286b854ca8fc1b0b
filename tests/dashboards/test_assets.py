"""Static assets of the dashboards: vendored plotly.js, map outlines, no inline code."""

import json
import re
from pathlib import Path

import plotly

import dashboards

STATIC = Path(dashboards.__file__).parent / "static" / "dashboards"
TEMPLATES = Path(dashboards.__file__).parent / "templates" / "dashboards"


def test_vendored_plotly_is_the_installed_packages_bundle():
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (STATIC / "vendor" / "plotly.min.js").read_bytes() == bundled.read_bytes()


def test_map_outlines_hold_the_101_departements_and_the_world_stub():
    geo = json.loads((STATIC / "geo" / "departements.geojson").read_text())
    codes = {feature["properties"]["code"] for feature in geo["features"]}
    assert len(codes) == 101 and {"2A", "2B", "971", "976"} <= codes
    stub = json.loads((STATIC / "geo" / "world_110m.json").read_text())
    assert stub == {"type": "Topology", "objects": {}, "arcs": []}


def test_templates_hold_no_inline_script_code():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S):
            assert "src=" in attributes and not body.strip(), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
