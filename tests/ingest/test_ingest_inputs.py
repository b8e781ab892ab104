"""Directories, stdin, rejects, counts: how read_inputs treats its inputs."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO, cast

import pytest

from dateline.errors import IngestError
from dateline.ingest import REJECT_KINDS, IngestCounts, read_inputs, reject_kind, write_rejects
from dateline.records import Article, Reject

FIXTURES = Path(__file__).parent / "fixtures"
MIXED = FIXTURES / "mixed"
TODAY = dt.date(2020, 1, 1)


def _read(paths: list[str | Path], stdin: TextIO | None = None) -> list[Article | Reject]:
    return list(read_inputs(paths, stdin=stdin, today=TODAY))


def test_directory_mixing_all_formats() -> None:
    items = _read([MIXED])
    origins = [
        Path(item.origin.rsplit(":", 1)[0]).name for item in items if isinstance(item, Article)
    ]
    # Sorted by relative path; README, notes.md, Makefile and hidden files are skipped.
    assert origins == [
        "a_seed_same_line.txt",
        "b_seed_next_line.txt",
        "c_stories.jsonl",
        "c_stories.jsonl",
        "d_stories.csv",
        "d_stories.csv",
        "g_story",
        "f_wire.sgm",
        "f_wire.sgm",
        "f_wire.sgm",
        "e_stories.tsv",
    ]
    rejects = [item for item in items if isinstance(item, Reject)]
    assert [reject_kind(reject) for reject in rejects] == ["no story text"]
    assert not any("hidden" in item.origin for item in items if isinstance(item, Article))


def test_directory_order_is_stable() -> None:
    assert _read([MIXED]) == _read([MIXED])


def test_a_readme_named_directly_is_a_reject_not_a_crash() -> None:
    (reject,) = _read([MIXED / "README.txt"])
    assert isinstance(reject, Reject)
    assert reject.reason.startswith("no date header")


def test_unknown_format_named_directly_is_rejected() -> None:
    (reject,) = _read([MIXED / "notes.md"])
    assert isinstance(reject, Reject)
    assert reject.reason.startswith("unrecognised format")


def test_missing_path_raises_before_reading() -> None:
    with pytest.raises(IngestError, match="no-such-file"):
        _read([MIXED / "a_seed_same_line.txt", "no-such-file.jsonl"])


def _expected() -> dict[tuple[str, int], str]:
    table = {}
    for line in (FIXTURES / "broken_expected.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        file, number, outcome = line.split("\t")
        table[(file, int(number))] = outcome
    return table


@pytest.mark.parametrize("name", ["broken.jsonl", "broken.csv"])
def test_broken_inputs_give_rejects_that_name_the_line(name: str) -> None:
    expected = {key: value for key, value in _expected().items() if key[0] == name}
    found: dict[tuple[str, int], str] = {}
    for item in _read([FIXTURES / name]):
        if isinstance(item, Article):
            file, line = item.origin.rsplit(":", 1)
            found[(Path(file).name, int(line))] = item.id
        else:
            assert item.line is not None
            assert item.excerpt
            found[(Path(item.file).name, item.line)] = f"reject:{reject_kind(item)}"
    assert found == expected


def test_reject_reasons_say_what_to_fix() -> None:
    reasons = {
        reject_kind(item): item.reason
        for item in _read([FIXTURES / "broken.jsonl"])
        if isinstance(item, Reject)
    }
    assert "each line must be one complete JSON object" in reasons["bad JSON"]
    assert "UTF-8" in reasons["undecodable bytes"]
    assert "b-1" in reasons["duplicate id"] and ":1" in reasons["duplicate id"]
    every_reason = [
        item.reason for item in _read([FIXTURES / "broken.jsonl"]) if isinstance(item, Reject)
    ]
    (two_digit,) = [reason for reason in every_reason if "05/16/19" in reason]
    assert "four-digit year" in two_digit


def test_csv_without_a_text_column_is_one_reject() -> None:
    (reject,) = _read([FIXTURES / "no_text_column.csv"])
    assert isinstance(reject, Reject)
    assert reject.reason.startswith("missing text column")
    assert "body" in reject.reason


def test_undecodable_bytes_reject_only_their_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(
        b'{"id": "u-1", "date": "2019-05-16", "text": "Fine."}\n'
        b'{"id": "u-2", "date": "2019-05-16", "text": "Bad \xff byte."}\n'
        b'{"id": "u-3", "date": "2019-05-16", "text": "Fine again."}\n'
    )
    first, bad, last = _read([path])
    assert isinstance(first, Article) and isinstance(last, Article)
    assert isinstance(bad, Reject)
    assert (bad.line, bad.record) == (2, 2)
    assert reject_kind(bad) == "undecodable bytes"
    assert "\ufffd" in bad.excerpt
    json.dumps(bad.excerpt)  # safe to write


def test_undecodable_seed_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(b"date 2019-05-16\nFirst line.\nSecond \xe9 line.\n")
    (reject,) = _read([path])
    assert isinstance(reject, Reject)
    assert reject_kind(reject) == "undecodable bytes"
    assert reject.line == 3


def test_duplicate_ids_across_files_are_rejected(tmp_path: Path) -> None:
    story = '{"id": "same", "date": "2019-05-16", "text": "A story."}\n'
    (tmp_path / "one.jsonl").write_text(story, encoding="utf-8")
    (tmp_path / "two.jsonl").write_text(story, encoding="utf-8")
    first, second = _read([tmp_path])
    assert isinstance(first, Article)
    assert isinstance(second, Reject)
    assert reject_kind(second) == "duplicate id"
    assert "one.jsonl:1" in second.reason


@pytest.mark.parametrize(
    ("content", "expected_id"),
    [
        ('{"id": "s-1", "date": "2019-05-16", "text": "From a pipe."}\n', "s-1"),
        ("\n date 2019-05-16 From a pipe, in the seed format.\n", None),
        ("id,date,text\ns-2,2019-05-16,From a pipe as CSV.\n", "s-2"),
        ("id\tdate\ttext\ns-3\t2019-05-16\tFrom a pipe as TSV.\n", "s-3"),
        (
            '<REUTERS NEWID="7">\n<DATE>1-MAR-1987 10:00:00.00</DATE>\n<TEXT><BODY>Piped.\n</BODY></TEXT>\n</REUTERS>\n',
            "reuters-7",
        ),
    ],
)
def test_stdin_format_is_sniffed(content: str, expected_id: str | None) -> None:
    (article,) = _read(["-"], stdin=io.StringIO(content))
    assert isinstance(article, Article)
    assert article.origin.startswith("<stdin>:")
    if expected_id is not None:
        assert article.id == expected_id


def test_stdin_with_a_byte_buffer_rejects_bad_bytes() -> None:
    raw = b'{"id": "b-1", "date": "2019-05-16", "text": "ok"}\n{"id": "b-2", "date": "2019-05-16", "text": "\xff"}\n'
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    article, reject = _read(["-"], stdin=stream)
    assert isinstance(article, Article)
    assert isinstance(reject, Reject) and reject.line == 2


def test_unrecognised_stdin_is_one_reject() -> None:
    (reject,) = _read(["-"], stdin=io.StringIO("just some words\nand more\n"))
    assert isinstance(reject, Reject)
    assert reject.file == "<stdin>"


class _FailsAfterFirstLine:
    """A stream that breaks after one line: reading must yield before it gets there."""

    def __iter__(self) -> Iterator[str]:
        yield '{"id": "first", "date": "2019-05-16", "text": "Streamed."}\n'
        raise AssertionError("read past the first record before yielding it")


def test_records_stream_one_at_a_time() -> None:
    items = read_inputs(["-"], stdin=cast(TextIO, _FailsAfterFirstLine()), today=TODAY)
    first = next(items)
    assert isinstance(first, Article) and first.id == "first"


def test_write_rejects_and_counts(tmp_path: Path) -> None:
    items = _read([FIXTURES / "broken.jsonl"])
    counts = IngestCounts()
    for item in items:
        counts.add(item)
    rejects = [item for item in items if isinstance(item, Reject)]
    out = tmp_path / "rejects.jsonl"
    assert write_rejects(rejects, out) == len(rejects)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["line"] for row in rows] == [reject.line for reject in rejects]
    assert set(rows[0]) == {"file", "line", "record", "reason", "excerpt"}
    assert counts.read == 2
    assert counts.rejected_total == len(rejects) == 10
    assert counts.rejected["bad date"] == 2
    assert counts.summary().startswith("read 2, rejected 10 (bad date 2")


def test_every_reject_kind_is_known_and_documented(tmp_path: Path) -> None:
    unreadable = tmp_path / "cut.sgm"
    unreadable.write_text('<REUTERS NEWID="1">\n', encoding="utf-8")
    inputs: list[str | Path] = [
        FIXTURES / "broken.jsonl",
        FIXTURES / "broken.csv",
        FIXTURES / "no_text_column.csv",
        MIXED,
        MIXED / "README.txt",
        MIXED / "notes.md",
        unreadable,
    ]
    seen = {reject_kind(item) for item in _read(inputs) if isinstance(item, Reject)}
    assert seen <= REJECT_KINDS
    assert len(seen) >= 12  # the fixtures exercise most kinds
    docs = (Path(__file__).resolve().parents[2] / "docs" / "ingest.md").read_text(encoding="utf-8")
    undocumented = [kind for kind in sorted(REJECT_KINDS) if f"`{kind}`" not in docs]
    assert not undocumented
