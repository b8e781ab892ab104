"""Check the time annotators' files and file them under `evalsets/time_real/gold/{primary,second}/`.

Each annotator wrote one JSON file per story (``{"doc_id", "dct", "annotator",
"timexes": [{"start", "end", "text", "type", "value", "mod"?}], "notes"}``) in
ANNOT_DIR/out/<annotator>/; ANNOT_DIR/assign_<annotator>.txt says whether the story was
that annotator's `primary` or `second` (independent double) annotation. A file is
checked against the story text rebuilt from ../shared (`dateline.eval.real.load_corpus`,
digest checked) before it is filed: its story is in the corpus and its DCT is the
story's date, every expression's offsets hold its `text`, no two overlap, its type is
DATE/TIME/DURATION/SET and its value a well-formed TimeML value of that type
(`dateline.eval.time_real.check_gold`). A file with an error is printed with its
reasons and left out; warnings (an unknown mod, another DCT) are printed and the file
is filed. Only the annotation is filed: the gold spans' own `text`, never the story;
the annotators' `notes` stay out too (they quote the story around their doubts).

Usage: python scripts/collect_real_time_gold.py ANNOT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from dateline.eval.real import gold_file, load_corpus
from dateline.eval.time_real import TIME_GOLD_DIR, TIME_REAL_DIR, check_gold

KEYS = ("start", "end", "text", "type", "value", "mod")


def _dump(gold: dict[str, Any]) -> str:
    """The record with one expression a line, so a diff of the gold reads by expression."""
    head = {key: value for key, value in gold.items() if key != "timexes"}
    lines = [json.dumps(t, ensure_ascii=False) for t in gold["timexes"]]
    body = ",\n  ".join(lines)
    timexes = f"[\n  {body}\n ]" if lines else "[]"
    return json.dumps(head, ensure_ascii=False)[:-1] + f', "timexes": {timexes}}}\n'


def main() -> None:
    annot = Path(sys.argv[1])
    stories = {s.article.id: s for s in load_corpus(TIME_REAL_DIR)}
    roles: dict[tuple[str, str], str] = {}
    for assignment in annot.glob("assign_*.txt"):
        annotator = assignment.stem.removeprefix("assign_")
        for line in assignment.read_text().splitlines():
            if line.strip():
                role, story_id, _ = line.split(" ", 2)
                roles[(annotator, story_id)] = role
    filed = {"primary": 0, "second": 0}
    expressions = 0
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
            errors, warnings = check_gold(record, story.article.text)
            if record.get("dct") != story.article.date.isoformat():
                warnings.append(
                    f"DCT {record.get('dct')!r}, the story's date is {story.article.date}"
                )
            for message in errors + warnings:
                print(f"{path}: {message}")
            if errors:
                continue
            timexes = sorted(
                (
                    {key: timex[key] for key in KEYS if timex.get(key) is not None}
                    for timex in record["timexes"]
                ),
                key=lambda t: (t["start"], t["end"]),
            )
            gold = {
                "doc_id": story.article.id,
                "dct": story.article.date.isoformat(),
                "annotator": folder.name,
                "timexes": timexes,
            }
            target = gold_file(story.article.id, role, TIME_GOLD_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_dump(gold), encoding="utf-8")
            filed[role] += 1
            expressions += len(timexes) if role == "primary" else 0
    print(
        f"filed {filed['primary']} primary ({expressions} expressions) "
        f"and {filed['second']} second annotations"
    )


if __name__ == "__main__":
    main()
