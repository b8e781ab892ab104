"""The hostile-input suite: a folder of inputs written to break a run, in our own words.

`write_hostile_suite(folder)` writes it and returns what a run must make of it:
how many records it holds, which stories must be stored, and which reject kinds
must be among the rejects. The big files are made here, not stored in the repo.

Each file is one thing a hostile or careless user can feed dateline (issue 14):
a story far over the size limit, JSON nested 100,000 levels deep, a CSV whose
header is not UTF-8, an unterminated quote, binary data under a text extension
and under none, a NUL in a story, a file name that is not UTF-8, a link to
nothing, an SGML file with no story, control characters and lone surrogates in
JSON text. Good stories sit among them, and must all be stored.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

GOOD_TEXT = (
    "Japan and China held talks in Tokyo on Monday. Foreign Minister Fumio Kishida met "
    "his Chinese counterpart Wang Yi and both sides agreed to meet again in Beijing."
)
DENSE_UNIT = "Japan and China held talks in Tokyo. "


@dataclass
class Expected:
    records: int = 0  # every record in the suite: stored, skipped or rejected
    stored: set[str] = field(default_factory=set)  # ids of stories that must be stored
    kinds: set[str] = field(default_factory=set)  # reject kinds that must appear
    rejects: int = 0  # how many records must be rejects (reading or coding)


def _story(identifier: str, text: str = GOOD_TEXT, date: str = "2017-04-03") -> str:
    return json.dumps({"id": identifier, "date": date, "title": identifier, "text": text})


def write_hostile_suite(
    folder: Path, *, big_chars: int = 20_000_000, dense_chars: int = 0
) -> Expected:
    """Write the suite under `folder`. `big_chars`: the story far over the size limit;
    `dense_chars` > 0 adds a place-dense story that long (over the NLP window when
    above 200,000 characters), which must be coded whole."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = Expected()

    def good(identifier: str) -> None:
        expected.records += 1
        expected.stored.add(identifier)

    def bad(kind: str, count: int = 1) -> None:
        expected.records += count
        expected.rejects += count
        expected.kinds.add(kind)

    # JSON Lines with the crashers between good stories.
    lines = [_story("good-1")]
    good("good-1")
    lines.append('{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}")
    bad("bad JSON")
    lines.append(_story("good-2"))
    good("good-2")
    lines.append('{"id": "huge-int", "date": "2017-04-03", "text": ' + "9" * 5000 + "}")
    bad("bad JSON")
    lines.append(_story("nul-in-json", "Japan and\u0000 China held talks in Tokyo.\u0007"))
    good("nul-in-json")  # the control characters are removed, the story is coded
    lines.append(_story("surrogate", "Japan \ud800and China held talks in Tokyo."))
    good("surrogate")
    lines.append(_story("only-controls", "\u0000\u0001\u0002"))
    bad("empty text")
    lines.append("[1, 2, 3]")
    bad("not a JSON object")
    lines.append(_story("good-3"))
    good("good-3")
    (folder / "crashers.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # One JSON line of ~10 MB and one seed story of `big_chars`: too long, not a hang.
    (folder / "long_line.jsonl").write_text(
        _story("ten-megabytes", DENSE_UNIT * (10_000_000 // len(DENSE_UNIT))) + "\n",
        encoding="utf-8",
    )
    bad("too long")
    with (folder / "huge_story.txt").open("w", encoding="utf-8") as handle:
        handle.write(" date 2017-04-03\n")
        chunk = DENSE_UNIT * 10_000
        for _ in range(big_chars // len(chunk) + 1):
            handle.write(chunk)
    bad("too long")
    if dense_chars:
        (folder / "dense_story.txt").write_text(
            " date 2017-04-03\n" + DENSE_UNIT * (dense_chars // len(DENSE_UNIT)), encoding="utf-8"
        )
        expected.records += 1  # stored under its content id, which the test looks up

    # CSV whose header is not UTF-8: one reject for the file, written without a crash.
    (folder / "bad_header.csv").write_bytes(b"id,d\xe4te,t\xe9xt\n1,2017-04-03,Japan met China.\n")
    bad("missing text column")
    # An unterminated quote must not swallow the rows after it.
    (folder / "quotes.csv").write_text(
        "id,date,text\n"
        'csv-1,2017-04-03,"Japan and China held talks in Tokyo."\n'
        'csv-open,2017-04-03,"Japan and China held talks\n'
        "csv-2,2017-04-03,Japan and China held talks in Beijing.\n"
        'csv-3,2017-04-03,"Japan, China and Korea met in Seoul."\n',
        encoding="utf-8",
    )
    good("csv-1")
    bad("bad CSV")
    good("csv-2")
    good("csv-3")

    # Binary data under a text extension and under none; UTF-16; a NUL in a story.
    noise = random.Random(14).randbytes(50_000)
    (folder / "wire.sgm").write_bytes(noise)
    bad("binary file")
    (folder / "blob").write_bytes(noise[::-1])
    bad("binary file")
    (folder / "utf16.txt").write_bytes((" date 2017-04-03\n" + GOOD_TEXT).encode("utf-16"))
    bad("binary file")
    (folder / "nul.txt").write_bytes(b" date 2017-04-03\nJapan and China\x00 held talks.\n")
    bad("binary file")
    # An SGML file with no story, and a block that never closes.
    (folder / "empty.sgm").write_text('<!DOCTYPE lewis SYSTEM "lewis.dtd">\n', encoding="utf-8")
    bad("no records")
    (folder / "cut.sgm").write_text(
        '<REUTERS NEWID="9001">\n<DATE> 3-APR-2017 10:00:00.00</DATE>\n<BODY>Japan met', "utf-8"
    )
    bad("bad SGML")

    # A file name that is not UTF-8 (its stories are read like any others), a link to nothing.
    with open(os.path.join(os.fsencode(folder), b"caf\xe9-stories.jsonl"), "wb") as handle:
        handle.write((_story("latin-name-1") + "\n" + _story("latin-name-2") + "\n").encode())
    good("latin-name-1")
    good("latin-name-2")
    os.symlink(folder / "nowhere.jsonl", folder / "gone.jsonl")
    bad("dangling link")

    # A folder that cannot be listed (only when not root: root reads it anyway).
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.jsonl").write_text(_story("behind-lock") + "\n", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:
        good("behind-lock")
    else:
        bad("cannot read folder")
    return expected


def unlock(folder: Path) -> None:
    """Let pytest remove the suite again."""
    locked = folder / "locked"
    if locked.exists():
        locked.chmod(0o755)
