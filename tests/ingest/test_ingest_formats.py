"""Each input format read from the synthetic fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dateline.ingest import content_id, read_inputs, restore_comma_joined_paragraphs
from dateline.records import Article, Reject

FIXTURES = Path(__file__).parent / "fixtures"
MIXED = FIXTURES / "mixed"
TODAY = dt.date(2020, 1, 1)


def _read(*paths: Path) -> list[Article | Reject]:
    return list(read_inputs(list(paths), today=TODAY))


def _articles(*paths: Path) -> list[Article]:
    items = _read(*paths)
    assert all(isinstance(item, Article) for item in items), items
    return [item for item in items if isinstance(item, Article)]


def test_seed_with_text_on_the_date_line() -> None:
    path = MIXED / "a_seed_same_line.txt"
    (article,) = _articles(path)
    assert article.date == dt.date(2019, 5, 14)
    assert article.text.startswith("Officials from Norland")
    assert article.text.count("\n\n") == 2  # three paragraphs kept
    assert article.title == ""
    assert article.id == content_id(article.date, article.text)
    assert article.origin == f"{path}:1"


def test_seed_with_a_time_and_text_on_the_next_line() -> None:
    (article,) = _articles(MIXED / "b_seed_next_line.txt")
    assert article.date == dt.date(2019, 5, 15)
    assert article.text.startswith("Sudmark recalled")
    assert "08:45" not in article.text


def test_seed_id_is_stable_and_depends_on_the_text(tmp_path: Path) -> None:
    first = _articles(MIXED / "a_seed_same_line.txt")[0]
    again = _articles(MIXED / "a_seed_same_line.txt")[0]
    assert first.id == again.id
    changed = tmp_path / "changed.txt"
    changed.write_text(" date 2019-05-14 A different story.\n", encoding="utf-8")
    assert _articles(changed)[0].id != first.id


def test_example_story_reads() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "japan_china_2017-04-03.txt"
    (article,) = _articles(example)
    assert article.date == dt.date(2017, 4, 3)
    assert not article.text.startswith("date")


def test_jsonl_fields_and_content_hash_id() -> None:
    path = MIXED / "c_stories.jsonl"
    first, second = _articles(path)
    assert first.id == "nd-001"
    assert first.title == "Norland frees patrol crew"
    assert first.source == "Norland Daily"
    assert first.url == "https://example.org/nd-001"
    assert first.text.count("\n\n") == 1
    assert first.origin == f"{path}:1"
    # No id: a content hash; the date is the one written, not converted to UTC.
    assert second.date == dt.date(2019, 5, 17)
    assert second.id == content_id(second.date, second.text)
    assert second.origin == f"{path}:3"  # the blank line 2 is not a record


def test_csv_with_quoted_paragraphs_and_news_dates() -> None:
    path = MIXED / "d_stories.csv"
    first, second = _articles(path)
    assert (first.id, first.date, first.source) == ("sw-10", dt.date(2019, 5, 18), "Sudmark Wire")
    assert first.text.count("\n\n") == 1
    assert first.url is None
    assert second.title == "Protest, then calm"
    assert second.origin == f"{path}:5"  # row 1 spans lines 2-4


def test_tsv() -> None:
    (article,) = _articles(MIXED / "more" / "e_stories.tsv")
    assert (article.id, article.date, article.title) == (
        "vb-1",
        dt.date(2019, 5, 19),
        "River reopens",
    )


def test_reuters_sgml() -> None:
    path = MIXED / "more" / "deeper" / "f_wire.sgm"
    items = _read(path)
    assert len(items) == 4
    body, brief, unprocessed, latin = items
    assert isinstance(body, Article)
    assert body.id == "reuters-501"
    assert body.source == "Reuters"
    assert body.date == dt.date(2019, 5, 20)
    assert body.title == "NORLAND <NRL> AND SUDMARK SIGN CROSSING ACCORD"
    assert body.origin == f"{path}:2"
    # Wrapped lines re-flowed, the indented line starts a paragraph, sign-off gone.
    assert body.text == (
        "Norland and Sudmark signed an accord on the Vell river crossing on Monday, "
        "officials of both governments said.\n\n"
        "The accord sets a joint patrol and a hotline between the two coast guards, "
        "the officials said."
    )
    assert isinstance(brief, Reject)
    assert brief.reason.startswith("no story text")
    assert "SUDMARK CABINET" in brief.excerpt
    assert (brief.line, brief.record) == (15, 2)
    assert isinstance(unprocessed, Article)
    assert unprocessed.id == "reuters-503"
    assert unprocessed.text.splitlines()[0] == "VELL CROSSING TRAFFIC - MAY 21"
    assert "Trucks" in unprocessed.text and "Reuter" not in unprocessed.text
    assert isinstance(latin, Article)
    assert latin.title == "CAFÉ OWNERS IN VELL WELCOME ACCORD"
    assert latin.text.startswith("Café owners")


def test_sgml_block_without_its_end_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "cut.sgm"
    path.write_text(
        '<REUTERS NEWID="1">\n<DATE>1-MAR-1987 10:00:00.00</DATE>\n<TEXT><BODY>Cut short\n',
        encoding="latin-1",
    )
    (reject,) = _read(path)
    assert isinstance(reject, Reject)
    assert reject.reason.startswith("bad SGML")
    assert reject.line == 1


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "stories.json"
    path.write_text(
        '[{"id": "a", "date": "2019-05-16", "text": "One."},\n {"id": "b", "text": "Two."}]',
        encoding="utf-8",
    )
    article, reject = _read(path)
    assert isinstance(article, Article) and article.id == "a"
    assert isinstance(reject, Reject) and reject.record == 2
    assert reject.reason.startswith("missing date")


@pytest.mark.parametrize(
    ("joined", "paragraphs"),
    [
        (
            "First part., Second part., , Third part.",
            ["First part.", "Second part.", "Third part."],
        ),
        ("He said:, ,  The quote begins here.", ["He said:", "The quote begins here."]),
        (
            "Talks with the U.S., Japan and others went on.",
            ["Talks with the U.S., Japan and others went on."],
        ),
        ("It ended., \r, Next one.,  , , ,", ["It ended.", "Next one."]),
        (
            'He called it "a new start.",  Then he left.',
            ['He called it "a new start."', "Then he left."],
        ),
        ("Apples, pears, and plums, are fruit.", ["Apples, pears, and plums, are fruit."]),
    ],
)
def test_comma_joined_paragraphs(joined: str, paragraphs: list[str]) -> None:
    assert restore_comma_joined_paragraphs(joined).split("\n\n") == paragraphs


def test_kcna_style_record_gets_its_paragraphs_back(tmp_path: Path) -> None:
    path = tmp_path / "kcna_like.jsonl"
    path.write_text(
        '{"id": "KCNA_2019-0001", "date": "2019-05-16", "title": null, '
        '"text": "The delegation left on Thursday., ,  It was seen off by officials., , ,"}\n'
        '{"id": "other-1", "date": "2019-05-16", "text": "Not a KCNA story., , so left alone."}\n',
        encoding="utf-8",
    )
    kcna, other = _articles(path)
    assert kcna.text == "The delegation left on Thursday.\n\nIt was seen off by officials."
    assert kcna.title == ""
    assert other.text == "Not a KCNA story., , so left alone."
