"""Long stories: cut into paragraph-bounded chunks for the parser, never truncated (issue 14)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dateline.nlp
from dateline.nlp import NlpStage, chunks
from dateline.records import Article, Document


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab .\n")), max_size=400),
    size=st.integers(min_value=5, max_value=60),
)
def test_chunks_join_back_into_the_text_and_respect_the_size(text: str, size: int) -> None:
    pieces = list(chunks(text, size))
    assert "".join(pieces) == text
    assert all(len(piece) <= size for piece in pieces)
    assert all(piece for piece in pieces[:-1])


def test_chunks_end_after_a_paragraph_break_when_there_is_one() -> None:
    paragraphs = ["Japan and China held talks. " * 3 + "\n\n" for _ in range(6)]
    text = "".join(paragraphs)
    pieces = list(chunks(text, 200))
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])
    assert "".join(pieces) == text


@pytest.mark.model
def test_a_story_longer_than_the_window_is_parsed_whole(
    nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dateline.nlp, "MAX_CHARS", 1_000)
    paragraph = "Japan and China held talks in Tokyo on Monday, officials said.\n\n"
    text = (paragraph * 60).strip() + " Later, Shinzo Abe flew to Beijing."
    assert len(text) > 3_000
    (document,) = NlpStage(nlp).process(
        [Document(article=Article(id="long", date=dt.date(2017, 4, 3), text=text))]
    )
    doc = document.spacy_doc
    assert doc is not None and doc.text == text
    assert document.sentences[-1].end == len(text)
    assert all(text[s.start : s.end] == s.text for s in document.sentences)
    last = [ent for ent in doc.ents if ent.start_char > len(text) - 40]
    assert [ent.text for ent in last] == ["Shinzo Abe", "Beijing"]
    assert all(text[ent.start_char : ent.end_char] == ent.text for ent in doc.ents)
