"""Read a PETRARCH verb dictionary into dateline's own pattern records.

PETRARCH (openeventdata/petrarch2, MIT) keeps its verb knowledge in a text
format documented only in the code that reads it. The parts that carry over:

* ``&NAME`` starts a synonym set; its ``+WORD`` lines are the members
  (``_`` joins the words of a multi-word member, a trailing ``_`` means
  "this exact word").
* ``--- NAME [code] ---`` starts a verb block. The lines after it list verbs
  (``MEET {MEETS MET MEETING}``, optionally with their own ``[code]``;
  ``+MEET_WITH`` is a phrasal verb whose first word, or the word marked with
  ``+``, is the verb) and then patterns.
* A pattern line is ``- <words before> * <words after> [code]``. ``*`` is the
  verb, ``(PREP words)`` a prepositional phrase (``BY/WITH`` are
  alternatives), ``{A B}`` a noun phrase, ``&NAME`` a synonym set, ``+`` and
  ``$`` mark where the target and source are, ``^`` skips a word and ``%``
  marks a compound; ``_`` ties neighbouring words together.
* A code ``[042:043]`` is a pair: the event goes source→target with 042 and a
  second one target→source with 043; ``[:054]`` only codes the reversed event;
  ``[---]`` says "no event".

The dependency-tree matcher (`dateline.events.engine`) treats the words as
lemma constraints in the verb's argument zone, so word order inside a pattern
is not enforced; see docs/events.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["parse_pattern", "parse_verb_dictionary"]

_CODE = re.compile(r"\[([^\]]*)\]")
_HEADER = re.compile(r"^-{3}\s*(\S+)\s*\[([^\]]*)\]\s*-{3}")


def _clean_word(word: str) -> str:
    return word.strip("_").lower()


def _split_code(raw: str) -> tuple[str | None, str | None]:
    """``042:043`` → ("042", "043"); ``:054`` → (None, "054"); ``---`` → (None, None)."""
    raw = raw.strip().rstrip("!")
    if ":" in raw:
        primary, _, reverse = raw.partition(":")
    else:
        primary, reverse = raw, ""
    primary = primary.strip()
    reverse = reverse.strip()
    return (
        None if primary in ("", "---") else primary,
        None if reverse in ("", "---") else reverse,
    )


def _tokenise(text: str) -> list[str]:
    text = re.sub(r"([(){}])", r" \1 ", text)
    tokens: list[str] = []
    for chunk in text.split():
        if chunk in "(){}":
            tokens.append(chunk)
            continue
        # `_` ties words together (IN_*, NEW_&TIETYPES_RELATIONS); a trailing
        # `_` only says "exact word", which lemma matching already does.
        parts = [part for part in chunk.split("_") if part]
        tokens.extend(parts if parts else [chunk])
    return tokens


def parse_pattern(text: str) -> dict[str, Any]:
    """One pattern body (between ``-`` and ``[code]``) as a JSON-ready dict."""
    before: list[str] = []
    after: list[str] = []
    preps: list[dict[str, Any]] = []
    markers: dict[str, str] = {}
    seen_verb = False
    prep: dict[str, Any] | None = None
    for token in _tokenise(text):
        if token == "*":
            seen_verb = True
            continue
        if token == "(":
            prep = {"prep": [], "words": [], "role": None}
            continue
        if token == ")":
            if prep is not None and prep["prep"]:
                preps.append(prep)
            prep = None
            continue
        if token in ("{", "}", "^", "%"):
            continue
        if token in ("+", "$"):
            role = "target" if token == "+" else "source"
            if prep is not None:
                prep["role"] = role
                markers[role] = "prep"
            else:
                markers[role] = "after" if seen_verb else "before"
            continue
        if prep is not None:
            if not prep["prep"]:
                prep["prep"] = [_clean_word(p) for p in token.split("/") if p]
            else:
                prep["words"].append(token if token.startswith("&") else _clean_word(token))
            continue
        word = token if token.startswith("&") else _clean_word(token)
        if not word:
            continue
        (after if seen_verb else before).append(word)
    return {
        "before": before,
        "after": after,
        "preps": preps,
        "source": markers.get("source"),
        "target": markers.get("target"),
    }


def _strip_comment(line: str) -> tuple[str, str]:
    body, _, comment = line.partition("#")
    return body.rstrip(), comment.strip()


def _parse_verb_line(body: str, block: str, block_code: str | None) -> dict[str, Any] | None:
    code_match = _CODE.search(body)
    own_code: str | None = None
    has_own = False
    if code_match:
        has_own = True
        own_code = _join_code(*_split_code(code_match.group(1)))
        body = body[: code_match.start()] + body[code_match.end() :]
    forms: list[str] = []
    brace = re.search(r"\{([^}]*)\}", body)
    if brace:
        forms = [
            f.strip("+_").lower().split("_")[0] for f in brace.group(1).split() if f.strip("+_")
        ]
        body = body[: brace.start()] + body[brace.end() :]
    words_raw = body.split()
    if not words_raw:
        return None
    phrase = words_raw[0]
    parts = [p for p in phrase.split("_") if p and p != "+"]
    marked = [i for i, p in enumerate(parts) if p.startswith("+")]
    verb_index = marked[0] if marked else 0
    words = [p.lstrip("+").lower() for p in parts]
    words = [w for w in words if w]
    if not words:
        return None
    verb_index = min(verb_index, len(words) - 1)
    entry: dict[str, Any] = {
        "lemma": words[verb_index],
        "particles": [w for i, w in enumerate(words) if i != verb_index],
        "forms": sorted(set(forms)),
        "block": block,
    }
    if has_own:
        entry["code"] = own_code
    return entry


def parse_verb_dictionary(lines: Iterable[str], prefix: str) -> dict[str, Any]:
    """Parse a PETRARCH verb dictionary into synsets, verbs and patterns.

    `prefix` starts every pattern id (``cameo2``), so ids stay stable as long
    as the source keeps its order within a block.
    """
    synsets: dict[str, list[str]] = {}
    blocks: dict[str, str | None] = {}
    verbs: list[dict[str, Any]] = []
    patterns: list[dict[str, Any]] = []
    block: str | None = None
    synset: str | None = None
    counter: dict[str, int] = {}
    in_xml_comment = False
    for raw_line in lines:
        line = raw_line.rstrip("\n")
        stripped = line.strip()
        if in_xml_comment:
            if "-->" in stripped:
                in_xml_comment = False
            continue
        if stripped.startswith("<!--"):
            in_xml_comment = "-->" not in stripped
            continue
        if (
            stripped.startswith("~")
            or stripped.startswith("####### ")
            or stripped.startswith("########")
        ):
            if "TRANSFORMATIONS" in stripped:
                break  # the transformation section is not patterns
            continue
        body, comment = _strip_comment(stripped)
        if not body:
            if synset is not None and not stripped:
                synset = None
            continue
        header = _HEADER.match(body)
        if header:
            synset = None
            block = header.group(1).rstrip("_")
            primary, reverse = _split_code(header.group(2))
            blocks[block] = _join_code(primary, reverse)
            continue
        if body.startswith("&"):
            synset = body.split()[0].rstrip("_")
            synsets.setdefault(synset, [])
            continue
        if synset is not None and body.startswith("+"):
            member = body.split("#")[0].strip().lstrip("+")
            if member.startswith("&"):
                synsets[synset].append(member.split()[0].rstrip("_").upper())
                continue
            words = [w.lower() for w in re.split(r"[_\s]+", member) if w]
            if words:
                synsets[synset].append(" ".join(words))
            continue
        synset = None
        if block is None:
            continue
        if body.startswith("-"):
            code_match = _CODE.search(body)
            if not code_match:
                continue
            primary, reverse = _split_code(code_match.group(1))
            pattern = parse_pattern(body[1 : code_match.start()])
            counter[block] = counter.get(block, 0) + 1
            pattern_id = f"{prefix}:{block.lower()}:{counter[block]:03d}"
            patterns.append(
                {
                    "id": pattern_id,
                    "block": block,
                    "code": primary,
                    "reverse_code": reverse,
                    **pattern,
                    "text": " ".join(body.split()),
                    "note": comment,
                }
            )
            continue
        entry = _parse_verb_line(body, block, blocks.get(block))
        if entry is not None:
            verbs.append(entry)
    unknown = _replace_unknown_synsets(patterns, synsets)
    return {
        "synsets": synsets,
        "unknown_synsets": unknown,
        "blocks": blocks,
        "verbs": verbs,
        "patterns": patterns,
    }


def _join_code(primary: str | None, reverse: str | None) -> str | None:
    if primary is None and reverse is None:
        return None
    return f"{primary or ''}:{reverse}" if reverse else primary


def _replace_unknown_synsets(
    patterns: list[dict[str, Any]], synsets: dict[str, list[str]]
) -> list[str]:
    """The source uses a few synonym sets it never defines (``&WEATHER``); the
    set's own name, as a word, is the closest reading of what it meant."""
    unknown: set[str] = set()

    def fix(words: list[str]) -> list[str]:
        out = []
        for word in words:
            if word.startswith("&") and word.upper() not in synsets:
                unknown.add(word.upper())
                out.append(word[1:].lower())
            else:
                out.append(word)
        return out

    for pattern in patterns:
        pattern["before"] = fix(pattern["before"])
        pattern["after"] = fix(pattern["after"])
        for prep in pattern["preps"]:
            prep["words"] = fix(prep["words"])
    for name, members in synsets.items():
        synsets[name] = [
            m if not (m.startswith("&") and m not in synsets) else m[1:].lower() for m in members
        ]
    return sorted(unknown)
