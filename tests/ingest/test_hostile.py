"""Hostile input: no record can crash reading, and every record is accounted for.

Property-based tests (Hypothesis) over each reader and the directory walk, and
the project's hostile-input suite (tests/hostile.py) read and run end to end
with a model-free pipeline. The same suite runs through the real CLI and model
in tests/test_reliability.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dateline.ingest import REJECT_KINDS, read_inputs, reject_kind
from dateline.ingest.common import clean_text
from dateline.pipeline import Pipeline
from dateline.records import Article, Reject
from dateline.run import code_inputs
from dateline.store import open_store
from tests.fakes import FakeEventStage
from tests.hostile import write_hostile_suite

TODAY = dt.date(2020, 1, 1)
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# Text as hostile as it gets: any code point, control characters and lone surrogates
# included, with the characters that matter to the formats made likely.
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),
        st.sampled_from(list("\"',\t\n\r\x00\x0b\x0c\x1c\x85{}[]<>&;\\\ufeff\ud800")),
    ),
    max_size=60,
)
hostile_bytes = st.one_of(
    st.binary(max_size=300),
    hostile_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
)


def _read(paths: list[Path | str]) -> list[Article | Reject]:
    return list(read_inputs(paths, today=TODAY))


def _well_formed(items: list[Article | Reject]) -> None:
    """What must hold of anything read: known reject kinds, clean text, writable strings."""
    for item in items:
        if isinstance(item, Reject):
            assert reject_kind(item) in REJECT_KINDS, item.reason
            for value in (item.file, item.reason, item.excerpt):
                value.encode("utf-8")  # never a lone surrogate
        else:
            assert item.text.strip() and not _CONTROL.search(item.text + item.title), item
            for value in (item.id, item.text, item.title, item.origin, item.source or ""):
                value.encode("utf-8")


def _non_blank_lines(data: bytes) -> int:
    return sum(1 for line in data.split(b"\n") if line.decode("utf-8", "surrogateescape").strip())


@PROPERTY
@given(lines=st.lists(hostile_bytes, max_size=8))
def test_jsonl_never_raises_and_gives_one_item_per_line(tmp_path: Path, lines: list[bytes]) -> None:
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    items = _read([path])
    _well_formed(items)
    kinds = [reject_kind(item) for item in items if isinstance(item, Reject)]
    if "binary file" in kinds:
        assert len(items) == 1
    else:
        assert len(items) == _non_blank_lines(data)


@PROPERTY
@given(
    stories=st.lists(st.tuples(hostile_text, hostile_text), min_size=1, max_size=6),
    broken=st.integers(min_value=-1, max_value=5),
)
@example(stories=[("", ""), ("\ud800", "0")], broken=0)  # a bad title makes its row a reject
def test_csv_rows_come_back_and_an_open_quote_swallows_nothing(
    tmp_path: Path, stories: list[tuple[str, str]], broken: int
) -> None:
    """Rows written by csv come back one record each; a row whose closing quote is
    cut off is one `bad CSV` reject and every other row is still read."""

    def row(fields: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).writerow(fields)
        return out.getvalue()

    content = row(["id", "date", "title", "text"])
    for number, (title, text) in enumerate(stories):
        line = row([f"row-{number}", "2017-04-03", title, text])
        if number == broken:
            line = line[:-2] + "\n"  # the text field's closing quote cut off
        content += line
    # Without NULs or other binary bytes: those make the whole file one reject.
    content = content.replace("\x00", "").encode("utf-8", "surrogatepass")
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    items = _read([path])
    _well_formed(items)
    if any(isinstance(i, Reject) and reject_kind(i) == "binary file" for i in items):
        return
    read = {item.id: item for item in items if isinstance(item, Article)}
    for number, (title, text) in enumerate(stories):
        identifier = f"row-{number}"
        if number == broken:
            assert identifier not in read
            continue
        cleaned = clean_text(text.replace("\r\n", "\n")).strip()
        if cleaned and identifier in read:
            assert read[identifier].text == cleaned
        elif cleaned and not _CONTROL.search(title + text):
            # A row made only of ordinary text is always read back (a lone surrogate
            # written out is bytes that are not UTF-8: that row is a reject).
            raise AssertionError(f"{identifier} lost: {items}")


@PROPERTY
@given(body=hostile_text, title=hostile_text, date=st.sampled_from(["2017-04-03", "", "soon"]))
def test_sgml_block_never_raises(tmp_path: Path, body: str, title: str, date: str) -> None:
    block = (
        f'<REUTERS NEWID="1">\n<DATE>{date}</DATE>\n<TEXT><TITLE>{title}</TITLE>\n'
        f"<BODY>{body}</BODY></TEXT>\n</REUTERS>\n"
    )
    path = tmp_path / "x.sgm"
    path.write_bytes(block.encode("utf-8", "surrogatepass"))
    items = _read([path])
    _well_formed(items)
    assert len(items) >= 1


@PROPERTY
@given(
    content=hostile_bytes, header=st.sampled_from([b"date 2017-04-03\n", b" date 2017-04-03 ", b""])
)
def test_seed_files_never_raise_and_give_one_item(
    tmp_path: Path, content: bytes, header: bytes
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(header + content)
    items = _read([path])
    _well_formed(items)
    # With its header a file is one story (or one reject); without, it may sniff as
    # another format and hold several records, but is never silently dropped.
    assert len(items) == 1 if header else len(items) >= 1


@PROPERTY
@given(
    names=st.lists(
        st.binary(min_size=1, max_size=12).filter(lambda n: b"/" not in n and b"\x00" not in n),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    suffix=st.sampled_from([b".jsonl", b".txt", b"", b".csv"]),
)
def test_any_file_name_is_read_and_named_safely(
    tmp_path: Path, names: list[bytes], suffix: bytes
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    written = 0
    for name in names:
        if name.startswith(b".") or name in (b"..",):
            continue
        story = {"id": f"n{written}", "date": "2017-04-03", "text": "Japan met China."}
        line = json.dumps(story) if suffix != b".txt" else " date 2017-04-03 Japan met China."
        if suffix == b".csv":
            line = "id,date,text\n" + f"n{written},2017-04-03,Japan met China."
        try:
            path = os.path.join(os.fsencode(folder), name + suffix)
            with open(path, "wb") as handle:
                handle.write(line.encode() + b"\n")
        except OSError:  # a name the file system refuses
            continue
        written += 1
    items = _read([folder])
    _well_formed(items)
    articles = [item for item in items if isinstance(item, Article)]
    if suffix != b"":  # without an extension, documentation-like names are skipped
        assert len(articles) + sum(isinstance(i, Reject) for i in items) >= written - 1
    assert len({article.id for article in articles}) == len(articles)


def test_the_hostile_suite_is_read_and_every_record_accounted_for(tmp_path: Path) -> None:
    suite = tmp_path / "hostile"
    expected = write_hostile_suite(suite, big_chars=3_000_000)
    items = _read([suite])
    _well_formed(items)
    rejects = [item for item in items if isinstance(item, Reject)]
    ids = {item.id for item in items if isinstance(item, Article)}
    assert len(items) == expected.records
    assert len(rejects) == expected.rejects
    assert ids == expected.stored
    assert expected.kinds <= {reject_kind(reject) for reject in rejects}
    unterminated = next(r for r in rejects if reject_kind(r) == "bad CSV")
    assert unterminated.file.endswith("quotes.csv") and unterminated.line == 3
    assert any("caf\\xe9" in item.origin for item in items if isinstance(item, Article))


def test_the_hostile_suite_runs_and_the_summary_adds_up(tmp_path: Path) -> None:
    suite = tmp_path / "hostile"
    expected = write_hostile_suite(suite, big_chars=3_000_000)
    rejects = tmp_path / "rejects.jsonl"
    with open_store(":memory:") as store:
        summary = code_inputs(
            [suite], store, rejects, pipeline=Pipeline([FakeEventStage()], batch_size=4)
        )
        stored = {
            row[0] for row in store.connection.execute("SELECT article_id FROM articles").fetchall()
        }
        runs = store.connection.execute("SELECT status, rejected FROM runs").fetchall()
    assert summary.read + summary.rejected == expected.records
    assert summary.read == summary.coded + summary.skipped + summary.failed
    assert stored == expected.stored
    written = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert len(written) == summary.rejected + summary.failed == expected.rejects
    assert runs == [("finished", expected.rejects)]


def test_unreadable_folders_are_rejects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root every folder is readable, so the walk is told a folder cannot be listed."""
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.jsonl").write_text(
        json.dumps({"id": "a", "date": "2017-04-03", "text": "Japan met China."}) + "\n"
    )
    (tmp_path / "secret").mkdir()
    real_walk = os.walk

    def walk(top: str | Path, onerror: object = None, **kwargs: object):  # type: ignore[no-untyped-def]
        for folder, folders, files in real_walk(top, **kwargs):  # type: ignore[call-overload]
            if Path(folder).name == "secret":
                onerror(PermissionError(13, "Permission denied", folder))  # type: ignore[operator]
                folders[:] = []
                continue
            yield folder, folders, files

    monkeypatch.setattr("dateline.ingest.reader.os.walk", walk)
    items = _read([tmp_path])
    kinds = [reject_kind(item) for item in items if isinstance(item, Reject)]
    assert kinds == ["cannot read folder"]
    assert [item.id for item in items if isinstance(item, Article)] == ["a"]


def test_a_url_list_that_brings_nothing_new_is_not_a_reject(tmp_path: Path) -> None:
    """Feeds already read give no record on a re-run; that is not a `no records` reject."""
    urls = tmp_path / "feeds.urls"
    urls.write_text("# the feeds we watch, all read already\n# (none today)\n", encoding="utf-8")
    assert _read([urls]) == []
    empty_sgml = tmp_path / "x.sgm"
    empty_sgml.write_text("<!DOCTYPE lewis>\n", encoding="utf-8")
    assert [reject_kind(r) for r in _read([empty_sgml]) if isinstance(r, Reject)] == ["no records"]
