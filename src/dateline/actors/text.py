"""Text normalisation shared by the knowledge compiler and the matcher.

Both sides fold a word the same way, so "Kōichi", "KOICHI" and "Koichi" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dateline.actors.lexicon import load_lexicon

__all__ = ["agent_forms", "fold", "plural_forms"]

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "‐": "-", "‑": "-", "–": "-"})


# British spellings of words in bodies' names, as the dictionaries (mostly American) spell
# them: "the Shanghai Cooperation Organisation", "the Labour Party" meet their entries
_SPELLINGS = {
    "organisation": "organization",
    "organisations": "organizations",
    "labour": "labor",
    "defence": "defense",
    "centre": "center",
}
_SPELLING = re.compile(r"\b(" + "|".join(_SPELLINGS) + r")\b")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, typographic quotes straightened, diacritics dropped, British spellings
    of name words made American."""
    text = text.translate(_QUOTES)
    if text.isascii():
        folded = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _SPELLING.sub(lambda m: _SPELLINGS[m.group(1)], folded)


def plural_forms(word: str) -> tuple[str, ...]:
    """PETRARCH's regular plurals of a (lower-case) noun: +s, y→ies, ss→sses."""
    if word.endswith("ss") or word.endswith("sh") or word.endswith("ch") or word.endswith("x"):
        return (word + "es",)
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return (word[:-1] + "ies",)
    if word.endswith("man"):
        return (word[:-3] + "men",)
    return (word + "s",)


def agent_forms(tokens: tuple[str, ...], plural: str | None) -> list[tuple[str, ...]]:
    """The surface forms of an agent phrase: itself (or its stem's words) and
    its plurals (`plural`: None = regular, "" = none, else the given form's tokens
    joined by spaces). Truncated Phoenix stems ("minist") stand for the words of the
    lexicon's `stems` table."""
    stems = load_lexicon().stems
    if tokens and tokens[-1] in stems:
        return [(*tokens[:-1], word) for word in stems[tokens[-1]]]
    forms = [tokens]
    if plural is None and tokens:
        forms += [(*tokens[:-1], form) for form in plural_forms(tokens[-1])]
    elif plural:
        forms.append(tuple(plural.split(" ")))
    return forms
