"""A fetched page to story fields: main text, title, outlet, publication date, language.

The text is trafilatura's main-content extraction (navigation, cookie notices,
"most read" boxes and footers are left out); the publication date is htmldate's
(through trafilatura), looking only where pages declare dates — ``<meta>``
tags such as ``article:published_time``, JSON-LD ``datePublished``, ``<time>``
and ``<abbr>`` elements, and dates in the URL — with its opportunistic search of
the text turned off, since a date merely mentioned in the story ("the treaty of
12 March 2015") is not the day it was published.

The language is py3langid's (an offline naive-Bayes model shipped with the
package, 97 languages).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

__all__ = ["LANGUAGE_NAMES", "Extracted", "LanguageCheck", "extract_page"]

_BLANK_LINES = re.compile(r"\n{2,}")
_SPACES = re.compile(r"[ \t\u00a0]+")

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a page says about itself. `date` is ISO (YYYY-MM-DD) or None."""

    text: str
    title: str
    outlet: str | None
    date: str | None
    canonical: str | None


def extract_page(body: bytes, url: str, *, today: dt.date) -> Extracted | None:
    """The main text and metadata of an HTML page; None when it has no main text."""
    import trafilatura

    latest = today + dt.timedelta(days=1)
    document = trafilatura.bare_extraction(
        body,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "max_date": latest.isoformat(),
        },
    )
    if document is None:
        return None
    fields: dict[str, Any] = document.as_dict() if hasattr(document, "as_dict") else document
    title = _one_line(fields.get("title") or "")
    text = _clean_text(fields.get("text") or "", title)
    if not text:
        return None
    return Extracted(
        text=text,
        title=title,
        outlet=_one_line(fields.get("sitename") or "") or None,
        date=fields.get("date") or None,
        canonical=fields.get("url") or None,
    )


def outlet_from_url(url: str) -> str:
    """The host name without ``www.``: the outlet when a page does not name itself."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clean_text(text: str, title: str) -> str:
    """Paragraphs one per line, blank lines between them, without a repeated headline."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    paragraphs = [line for line in lines if line]
    # Pages put the headline in <h1> inside the article, so trafilatura returns it as the
    # first paragraph; it is kept in `title` and would otherwise be coded as a sentence.
    if paragraphs and title and _one_line(paragraphs[0]).casefold() == title.casefold():
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


class LanguageCheck:
    """Which language a text is in, offline (py3langid; the model loads on first use).

    A text is called non-English only when the model is confident
    (`min_probability`) and the text is long enough to tell (`min_letters`):
    a short or mixed text stays in, and the coder finds what it can.
    """

    def __init__(self, min_probability: float = 0.9, min_letters: int = 120) -> None:
        self.min_probability = min_probability
        self.min_letters = min_letters

    @cached_property
    def _identifier(self) -> Any:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def detect(self, text: str) -> tuple[str, float]:
        """The most likely language code and its probability."""
        language, probability = self._identifier.classify(text)
        return str(language), float(probability)

    def not_english(self, text: str) -> tuple[str, float] | None:
        """(code, probability) when `text` is confidently not English, else None."""
        if sum(char.isalpha() for char in text) < self.min_letters:
            return None
        language, probability = self.detect(text)
        if language != "en" and probability >= self.min_probability:
            return language, probability
        return None


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
