"""Compile CAMEO and PLOVER code tables into `src/dateline/codes/data/`.

Reads the reference files under ``../shared/data/events/{cameo,plover}/`` and
writes dateline's own TSV tables, each with a provenance header. The facts
(codes, names, Goldstein values, mappings) carry over with attribution; the
policy decisions taken where the sources disagree are stated here and in
``docs/codes.md``.

Run from the repository root::

    python scripts/build_codes.py            # write the tables
    python scripts/build_codes.py --check    # exit 1 if the tables are stale
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from table_files import add_output_options, write_or_check

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "events"
OUTPUT = ROOT / "src" / "dateline" / "codes" / "data"
VERSION = "1"

# GDELT's four classes by CAMEO root: 1 verbal cooperation, 2 material
# cooperation, 3 verbal conflict, 4 material conflict. Phoenix's post-processing
# table differs (roots 01-02 neutral 0, root 16 verbal conflict); GDELT's is the
# one dateline reports, and docs/codes.md records the difference.
GDELT_QUAD_CLASS: dict[str, int] = {
    **dict.fromkeys(("01", "02", "03", "04", "05"), 1),
    **dict.fromkeys(("06", "07", "08"), 2),
    **dict.fromkeys(("09", "10", "11", "12", "13"), 3),
    **dict.fromkeys(("14", "15", "16", "17", "18", "19", "20"), 4),
}

# GDELT's lookup labels 101 and 105-108 follow an older numbering that
# contradicts their own sub-codes (1051-1056 are "demand ... easing", so 105 is
# "demand that target yields") and the CAMEO codebook used by PETRARCH2 and
# PLOVER. For these codes the codebook label (ICEWS CAMEO_codefile) wins.
CODEBOOK_LABEL_WINS = ("101", "105", "106", "107", "108")

# Codes in no GDELT table that the CAMEO 2.0 verb dictionary (PETRARCH2) or the
# CAMEO->PLOVER table use. Names come from the CAMEO codebook (ICEWS
# CAMEO_codefile) except 176, which PETRARCH2's dictionary uses for its HACK
# verb block; its label is ours.
EXTENSION_CODES: dict[str, str | None] = {
    "1213": None,
    "1214": None,
    "176": "Attack cybernetically",
    "1951": None,
    "1952": None,
}

# CAMEO->PLOVER rows whose mode is not a PLOVER mode of that event type.
# (event, raw mode) -> repaired mode ("" = none). Each repair is a judgement,
# documented in docs/codes.md.
MODE_REPAIRS: dict[tuple[str, str], str] = {
    ("RETREAT", "ease"): "",  # the table itself notes "ease" is no longer a mode
    ("THREATEN", "ban"): "restrict",
    ("COERCE", "ban"): "restrict",
    ("THREATEN", "political"): "restrict",
    ("ASSAULT", "seize"): "destroy",  # 1712 destroy property
    ("ASSAULT", "assassinate"): "targeted",
    ("ASSAULT", "pro_autocracy"): "",  # a context written in the mode column (175)
}

# Context names in the CAMEO->PLOVER table that are not PLOVER contexts.
CONTEXT_REPAIRS: dict[str, str] = {"democracy": "pro_democracy", "humanitarian": "human_security"}

# CAMEO actor-type (sector) code -> PLOVER sector. Identity where PLOVER keeps
# the CAMEO code; otherwise our mapping from the two codebooks' definitions.
# "" means PLOVER has no sector for it (attributes such as MOD/RAD, or
# international actor kinds that PLOVER codes elsewhere).
CAMEO_TO_PLOVER_SECTOR: dict[str, str] = {
    "COP": "COP",
    "GOV": "GOV",
    "INS": "REB",
    "JUD": "JUD",
    "MIL": "MIL",
    "OPP": "OPP",
    "REB": "REB",
    "SEP": "REB",
    "SPY": "SPY",
    "UAF": "UAF",
    "AGR": "AGR",
    "BUS": "BUS",
    "CRM": "CRM",
    "CVL": "CVL",
    "DEV": "SOC",
    "EDU": "EDU",
    "ELI": "ELI",
    "ENV": "SOC",
    "HLH": "MED",  # PLOVER's MED is health; CAMEO's MED is media
    "HRI": "SOC",
    "LAB": "LAB",
    "LEG": "LEG",
    "MED": "JRN",
    "REF": "REF",
    "MOD": "",
    "RAD": "",
    "IGO": "",
    "IMG": "REB",
    "INT": "",
    "MNC": "BUS",
    "NGM": "SOC",
    "NGO": "SOC",
    "UIS": "UNK",
    # Codes used by Phoenix dictionaries and actors that are not in the
    # actor-type table but have a direct PLOVER sector.
    "PTY": "PTY",
    "REL": "REL",
}

GDELT_ATTRIBUTION = "GDELT Project CAMEO lookup tables (public)"
PHOENIX_ATTRIBUTION = "openeventdata phoenix_pipeline post-processing tables (MIT)"
ICEWS_ATTRIBUTION = "CAMEO codebook 0.7b5 labels as distributed with ICEWS/text_to_CAMEO (MIT)"
PLOVER_ATTRIBUTION = "PLOVER codebook and CAMEO2PLOVER-2021 table, openeventdata/PLOVER (P. Schrodt et al.); NGEC-2025 (MIT)"


def _read_tsv(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines[1:] if line.strip() and not line.startswith("#")]


def _clean_label(label: str) -> str:
    label = re.sub(r"\s+", " ", label).strip()
    fixes = {
        "matyerial": "material",
        "radiologicalweapons": "radiological weapons",
        "ÒhirdÓlocation": "'third' location",
        "Express intent allow": "Express intent to allow",
        "not spec below": "not specified below",
        ",  not": ", not",
    }
    for wrong, right in fixes.items():
        label = label.replace(wrong, right)
    return label


def _codebook_labels(path: Path) -> dict[str, str]:
    labels: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"LABEL: (\d+)= (.*)", line.rstrip())
        if match and match.group(1) not in labels:
            labels[match.group(1)] = match.group(2).strip()
    return labels


def _header(table_id: str, sources: Iterable[str], licence: str, notes: Sequence[str]) -> list[str]:
    lines = [
        f"# id: {table_id}",
        f"# version: {VERSION}",
        f"# source: {'; '.join(sources)}",
        f"# licence: {licence}",
        "# generated by scripts/build_codes.py; do not edit by hand",
    ]
    lines += [f"# note: {note}" for note in notes]
    return lines


def _tsv(header: list[str], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    body = ["\t".join(columns)]
    body += ["\t".join(str(value) for value in row) for row in rows]
    return "\n".join(header + body) + "\n"


def _cameo_events(source: Path) -> str:
    cameo = source / "cameo"
    names = {row[0]: row[1] for row in _read_tsv(cameo / "GDELT_CAMEO.eventcodes.txt")}
    gdelt = {row[0]: float(row[1]) for row in _read_tsv(cameo / "GDELT_CAMEO.goldsteinscale.txt")}
    phoenix = {
        row[0]: float(row[1]) for row in _read_tsv(cameo / "Phoenix_postprocess_goldstein.tsv")
    }
    codebook = _codebook_labels(cameo / "icews" / "CAMEO_codefile.txt")
    if set(names) != set(gdelt):
        raise SystemExit("GDELT event codes and Goldstein table list different codes")

    rows = []
    for code in sorted(set(names) | set(EXTENSION_CODES)):
        root = code[:2]
        if code in names:
            name_source = "gdelt"
            name = _clean_label(names[code])
            if code in CODEBOOK_LABEL_WINS:
                name, name_source = _clean_label(codebook[code]), "codebook"
        else:
            label = EXTENSION_CODES[code]
            name = label if label is not None else _clean_label(codebook[code])
            name_source = "dateline" if label is not None else "codebook"
        if code in gdelt:
            goldstein, goldstein_source = gdelt[code], "gdelt"
        elif code in phoenix:
            goldstein, goldstein_source = phoenix[code], "phoenix"
        else:
            parent = code[:3] if len(code) == 4 else root
            goldstein, goldstein_source = gdelt[parent], f"gdelt:{parent}"
        rows.append(
            (
                code,
                root,
                name,
                f"{goldstein:g}",
                goldstein_source,
                f"{phoenix[code]:g}" if code in phoenix else "",
                GDELT_QUAD_CLASS[root],
                name_source,
            )
        )
    header = _header(
        "cameo_events",
        [GDELT_ATTRIBUTION, PHOENIX_ATTRIBUTION, ICEWS_ATTRIBUTION],
        "GDELT lookups are public; Phoenix and ICEWS tables MIT; facts only",
        [
            "goldstein: GDELT value wins wherever GDELT has one (7 codes differ from Phoenix: 016 022 124 1246 163 165 166); goldstein_phoenix keeps Phoenix's value",
            "goldstein for codes GDELT lacks: Phoenix's value, else the parent code's GDELT value (goldstein_source says which)",
            "quad_class: GDELT's four classes by root (01-05 1, 06-08 2, 09-13 3, 14-20 4)",
            f"name: GDELT label, cleaned; codebook label for {' '.join(CODEBOOK_LABEL_WINS)} where GDELT's numbering is off",
        ],
    )
    columns = [
        "code",
        "root",
        "name",
        "goldstein",
        "goldstein_source",
        "goldstein_phoenix",
        "quad_class",
        "name_source",
    ]
    return _tsv(header, columns, rows)


def _plover_tables(source: Path) -> dict[str, str]:
    plover = source / "plover"
    event_rows = _read_tsv(plover / "PLOVER_event_types.tsv")
    events = {row[0]: row for row in event_rows}
    mode_rows = _read_tsv(plover / "PLOVER_modes.tsv")
    modes: dict[str, set[str]] = {}
    for row in mode_rows:
        modes.setdefault(row[0], set()).add(row[1].strip())
    contexts = {row[0] for row in _read_tsv(plover / "PLOVER_contexts.tsv")}

    mapping_rows: list[tuple[str, str, str, str, str]] = []
    seen: set[str] = set()
    for line in (plover / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"(\d{3,4}):\s*([^#]*?)\s*(?:#.*)?$", line)
        if not match:
            continue
        code = match.group(1)
        fields = [part.strip() for part in match.group(2).split(",")]
        fields += [""] * (3 - len(fields))
        event, raw_mode, raw_context = fields[0], fields[1], fields[2]
        if code in seen:  # 175 is listed twice with the same values
            continue
        seen.add(code)
        if event not in events:
            raise SystemExit(f"CAMEO2PLOVER {code}: {event!r} is not a PLOVER event type")
        mode = raw_mode
        if mode and mode not in modes.get(event, set()):
            if "%" + mode in modes.get(event, set()):
                mode = "%" + mode
            elif (event, mode) in MODE_REPAIRS:
                mode = MODE_REPAIRS[(event, mode)]
            else:
                raise SystemExit(f"CAMEO2PLOVER {code}: mode {raw_mode!r} unknown for {event}")
        context_list = []
        for part in [p.strip() for p in raw_context.split(";") if p.strip()]:
            part = CONTEXT_REPAIRS.get(part, part)
            if part not in contexts:
                raise SystemExit(f"CAMEO2PLOVER {code}: context {part!r} unknown")
            context_list.append(part)
        if raw_mode == "pro_autocracy":
            context_list.insert(0, "pro_autocracy")
        mapping_rows.append((code, event, mode, ";".join(context_list), raw_mode))

    mapping = _tsv(
        _header(
            "cameo_to_plover",
            [PLOVER_ATTRIBUTION],
            "PLOVER codebook: open (openeventdata/PLOVER); facts only",
            [
                "one row per CAMEO code in CAMEO2PLOVER-2021 (roots 01 and 02 have no PLOVER mapping)",
                "mode: repaired where the 2021 table names a mode PLOVER does not define (source_mode keeps the original; docs/codes.md lists the repairs)",
                "context: ';'-separated PLOVER contexts",
            ],
        ),
        ["cameo", "event", "mode", "context", "source_mode"],
        mapping_rows,
    )
    event_table = _tsv(
        _header("plover_event_types", [PLOVER_ATTRIBUTION], "PLOVER codebook; facts only", []),
        ["event", "quad_category", "requires_recipient"],
        [(row[0], row[1], row[2]) for row in event_rows],
    )
    mode_table = _tsv(
        _header("plover_modes", [PLOVER_ATTRIBUTION], "PLOVER codebook; facts only", []),
        ["event", "mode", "description"],
        [(row[0], row[1].strip(), row[2].strip()) for row in mode_rows],
    )
    sector_rows = _read_tsv(plover / "PLOVER_sector_codes.tsv")
    sector_table = _tsv(
        _header("plover_sectors", [PLOVER_ATTRIBUTION], "PLOVER codebook; facts only", []),
        ["sector", "description"],
        [(row[0], row[1].strip()) for row in sector_rows],
    )
    return {
        "cameo_to_plover.tsv": mapping,
        "plover_event_types.tsv": event_table,
        "plover_modes.tsv": mode_table,
        "plover_sectors.tsv": sector_table,
    }


def _actor_types(source: Path) -> str:
    rows = _read_tsv(source / "cameo" / "CAMEO_actor_type_codes.tsv")
    sectors = {row[0] for row in _read_tsv(source / "plover" / "PLOVER_sector_codes.tsv")}
    out = []
    known = {row[0] for row in rows}
    for code, kind, description in rows:
        if code not in CAMEO_TO_PLOVER_SECTOR:
            raise SystemExit(f"actor type {code} has no PLOVER sector decision")
        out.append((code, kind, description.strip(), CAMEO_TO_PLOVER_SECTOR[code]))
    for code, sector in CAMEO_TO_PLOVER_SECTOR.items():
        if sector and sector not in sectors:
            raise SystemExit(f"{code} maps to unknown PLOVER sector {sector}")
        if code not in known:
            out.append((code, "plover_only", "", sector))
    return _tsv(
        _header(
            "cameo_actor_types",
            [
                "CAMEO codebook actor types (CAMEO_actor_type_codes.tsv, text_to_CAMEO, MIT)",
                PLOVER_ATTRIBUTION,
            ],
            "MIT / PLOVER codebook; facts only",
            [
                "plover_sector: dateline's mapping from the two codebooks' definitions; empty = no PLOVER sector",
                "kind plover_only: codes CAMEO dictionaries use that are PLOVER sectors but not in the CAMEO actor-type table",
            ],
        ),
        ["code", "kind", "description", "plover_sector"],
        out,
    )


def build(source: Path = DEFAULT_SOURCE) -> dict[str, str]:
    """Every compiled table as ``{file name: text}``."""
    tables = {
        "cameo_events.tsv": _cameo_events(source),
        "cameo_actor_types.tsv": _actor_types(source),
    }
    tables.update(_plover_tables(source))
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    add_output_options(parser, OUTPUT)
    args = parser.parse_args(argv)
    return write_or_check(build(args.source), args.output, args.check)


if __name__ == "__main__":
    sys.exit(main())
