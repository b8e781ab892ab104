"""The pattern files: PETRARCH syntax, schema checks, the compiled file's drift."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from dateline.errors import RuleDataError
from dateline.events.patterns import ADDITIONS_FILE, VERBS_FILE, load_patterns
from dateline.events.petrarch import parse_pattern, parse_verb_dictionary

ROOT = Path(__file__).resolve().parents[2]

PATTERN_CASES = [
    ("* (TO)", {"before": [], "after": [], "preps": [{"prep": ["to"], "words": [], "role": None}]}),
    ("* {ARMS SHIPMENT}", {"after": ["arms", "shipment"]}),
    ("* &FOOD", {"after": ["&FOOD"]}),
    ("&MILITARY *", {"before": ["&MILITARY"], "after": []}),
    ("* CLAIM (AGAINST) +", {"after": ["claim"], "target": "after"}),
    (
        "* (TO {BANNED PARTIES}) $",
        {
            "preps": [{"prep": ["to"], "words": ["banned", "parties"], "role": None}],
            "source": "after",
        },
    ),
    (
        "* {PASSENGER CARS} (TO +)",
        {"preps": [{"prep": ["to"], "words": [], "role": "target"}], "target": "prep"},
    ),
    (
        "* (BY/WITH PROTESTS)",
        {"preps": [{"prep": ["by", "with"], "words": ["protests"], "role": None}]},
    ),
    ("FAILED_TO_*", {"before": ["failed", "to"], "after": []}),
    ("* NEW_&TIETYPES_RELATIONS", {"after": ["new", "&TIETYPES", "relations"]}),
    ("* FIRST VISIT TO ^ +", {"after": ["first", "visit", "to"], "target": "after"}),
]


@pytest.mark.parametrize(("text", "expected"), PATTERN_CASES, ids=[c[0] for c in PATTERN_CASES])
def test_parse_pattern(text: str, expected: dict) -> None:
    parsed = parse_pattern(text)
    for key, value in expected.items():
        assert parsed[key] == value, key


def test_parse_blocks_verbs_synsets_and_codes() -> None:
    source = """
&MEETSYN
+SUMMIT
+TALKS_

--- MEET_PEOPLE [040] ---
+MEET_WITH {+MET_WITH}
MEET {MEETS MET MEETING}
CONTACT [041:041]
- * (AT) [036:036] # MEET
- * CRITICISM [:111]
- * RUN-OFF [---]

--- VISIT [042:043] ---
VISIT
- * &MEETSYN [043]
"""
    data = parse_verb_dictionary(source.splitlines(), prefix="t")
    assert data["synsets"]["&MEETSYN"] == ["summit", "talks"]
    assert data["blocks"] == {"MEET_PEOPLE": "040", "VISIT": "042:043"}
    meet_with = data["verbs"][0]
    assert (meet_with["lemma"], meet_with["particles"]) == ("meet", ["with"])
    assert data["verbs"][2]["code"] == "041:041"
    codes = [(p["id"], p["code"], p["reverse_code"]) for p in data["patterns"]]
    assert codes == [
        ("t:meet_people:001", "036", "036"),
        ("t:meet_people:002", None, "111"),
        ("t:meet_people:003", None, None),
        ("t:visit:001", "043", None),
    ]


def test_shipped_files_load_and_index_by_lemma() -> None:
    patterns = load_patterns()
    assert patterns.pattern_count > 4668
    header = json.loads(VERBS_FILE.read_text())["header"]
    assert header["counts"] == {"blocks": 397, "patterns": 4668, "synsets": 40, "verbs": 1817}
    assert "MIT" in header["licence"] and "petrarch2" in header["licence"]
    assert any(e.block == "VISIT" for e in patterns.entries("visit", noun=False))
    assert patterns.entries("talks", noun=True)
    assert "say" in patterns.reporting


def test_bad_rule_file_names_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "additions.yaml"
    bad.write_text(
        "id: x\nversion: '1'\nsource: test\nlicence: MIT\n"
        "nouns:\n  - id: noun:broken\n    lemmas: [talk]\n    code: '040'\n"
    )
    with pytest.raises(RuleDataError, match=r"additions\.yaml.*noun:broken.*examples"):
        load_patterns(additions=bad)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(
        "id: x\nversion: '1'\nsource: test\nlicence: MIT\n"
        "nouns:\n  - id: noun:syn\n    lemmas: [talk]\n    code: '040'\n    examples: [x]\n"
        "    patterns: [{before: ['&NOSUCHSET'], code: '041'}]\n"
    )
    with pytest.raises(RuleDataError, match=r"noun:syn:1.*NOSUCHSET"):
        load_patterns(additions=unknown)
    no_header = tmp_path / "noheader.yaml"
    no_header.write_text("nouns: []\n")
    with pytest.raises(RuleDataError, match="header"):
        load_patterns(additions=no_header)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    dup = tmp_path / "dup.yaml"
    entry = "  - id: noun:a\n    lemmas: [talk]\n    code: '040'\n    examples: [x]\n"
    dup.write_text("id: x\nversion: '1'\nsource: t\nlicence: MIT\nnouns:\n" + entry + entry)
    with pytest.raises(RuleDataError, match=r"noun:a.*duplicate"):
        load_patterns(additions=dup)


def test_additions_file_has_a_header() -> None:
    text = ADDITIONS_FILE.read_text()
    for key in ("id:", "version:", "source:", "licence:"):
        assert key in text


@pytest.mark.corpus
def test_compiled_verbs_match_a_fresh_build(shared_data: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_verbs", ROOT / "scripts" / "build_verbs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.build(shared_data / "events" / "dictionaries" / "CAMEO.2.0.txt")
    assert fresh == VERBS_FILE.read_text(encoding="utf-8"), "run scripts/build_verbs.py"


def test_explain_names_the_pattern_behind_a_rule_id() -> None:
    patterns = load_patterns()
    assert patterns.explain("cameo2:confine:019").startswith("- * ")
    assert "TALKS [046" in patterns.explain("cameo2:confine:019")
    assert "block VISIT default [042:043]" in patterns.explain("visit:visit")
    assert "hand-written" in patterns.explain("noun:talks")
    assert patterns.explain("no:such:rule") == ""
