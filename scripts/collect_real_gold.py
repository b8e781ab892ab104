"""Check annotators' gold files and file them under `evalsets/real/gold/{primary,second}/`.

Each annotator wrote one JSON file per story (EVENTS.md §1 records) in ANNOT_DIR/out/<id>/;
ANNOT_DIR/assign_<id>.txt says whether the story was that annotator's `primary` or
`second` (independent double) annotation. A file is checked before it is filed: its story
is in the corpus, every event's sentence offsets lie in the story text, its CAMEO code is
in the CAMEO table, modality and precision are from EVENTS.md's lists. Problems are
printed (file and reason) and the file is filed anyway only when they are minor
(a trigger not found verbatim in its sentence); otherwise it is left out.

Usage: python scripts/collect_real_gold.py ANNOT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dateline.codes import CameoCodes
from dateline.eval.real import GOLD_DIR, gold_file, load_corpus

MODALITIES = {"asserted", "planned", "possible", "negated"}
PRECISIONS = {"day", "week", "month", "quarter", "year", "report", "vague", None}


def problems(record: dict, text: str, codes: CameoCodes) -> tuple[list[str], list[str]]:
    errors, warnings = [], []
    for n, event in enumerate(record.get("events", [])):
        where = f"event {n}"
        try:
            start, end = int(event["sentence_start"]), int(event["sentence_end"])
        except (KeyError, TypeError, ValueError):
            errors.append(f"{where}: no sentence offsets")
            continue
        if not 0 <= start < end <= len(text):
            errors.append(f"{where}: offsets {start}-{end} outside the text")
        code = str(event.get("cameo", ""))
        if not codes.is_valid(code):
            errors.append(f"{where}: CAMEO code {code!r} not in the table")
        if event.get("modality") not in MODALITIES:
            errors.append(f"{where}: modality {event.get('modality')!r}")
        date = event.get("event_date") or {}
        if date.get("precision") not in PRECISIONS:
            warnings.append(f"{where}: precision {date.get('precision')!r}")
        trigger = str(event.get("trigger") or "").split(" ... ")[0].strip()
        if trigger and trigger.lower() not in text[start:end].lower():
            warnings.append(f"{where}: trigger {trigger!r} not in its sentence")
    return errors, warnings


def main() -> None:
    annot = Path(sys.argv[1])
    stories = {s.article.id: s for s in load_corpus()}
    codes = CameoCodes.load()
    roles: dict[tuple[str, str], str] = {}
    for assignment in annot.glob("assign_*.txt"):
        annotator = assignment.stem.removeprefix("assign_")
        for line in assignment.read_text().splitlines():
            role, story_id, _ = line.split(" ", 2)
            roles[(annotator, story_id)] = role
    filed = {"primary": 0, "second": 0}
    for folder in sorted((annot / "out").iterdir()):
        for path in sorted(folder.glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as error:
                print(f"{path}: not JSON: {error}")
                continue
            story = stories.get(record.get("doc_id", ""))
            if story is None:
                print(f"{path}: story {record.get('doc_id')!r} not in the corpus")
                continue
            role = roles.get((folder.name, story.article.id))
            if role is None:
                print(f"{path}: not in {folder.name}'s assignment")
                continue
            errors, warnings = problems(record, story.article.text, codes)
            for message in errors + warnings:
                print(f"{path}: {message}")
            if errors:
                continue
            record["annotator"] = folder.name
            target = gold_file(story.article.id, role, GOLD_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            filed[role] += 1
    print(f"filed {filed['primary']} primary and {filed['second']} second annotations")


if __name__ == "__main__":
    main()
