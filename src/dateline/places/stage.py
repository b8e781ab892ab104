"""The places stage: find place names in a story and resolve each to one place.

Candidates come from two sources: spaCy's GPE/LOC/FAC entities, and a phrase
scan of the text against the gazetteer's countries, seas and curated features
(which finds "East China Sea" or "Diaoyu Islands" where NER misses or splits
them). Each candidate is resolved by, in order: a "City, Country" apposition
that pins its country; the countries the story itself names; how the name
matched (country or feature > city > division > alternate name); population.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from dateline.places.gazetteer import Candidate, Gazetteer, normalise_name, tokenize
from dateline.records import Document, Place, Sentence

__all__ = ["EntitySpan", "PlaceStage", "find_places"]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# A country or sea name inside one of these is part of a name, not a place
# ("Bank of Japan", "Japan Times"); curated features yield only to PERSON.
BLOCKING_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "LAW", "PRODUCT", "EVENT"})
# A city in a country the story names gets STORY_COUNTRY_BONUS (more than being a
# capital: Tripoli in a story about Lebanon is Tripoli, Lebanon) if it is at least
# STORY_MIN_SHARE as large as the largest city of that name; a smaller one gets
# only WEAK_STORY_BONUS, so a story that mentions the United States does not move
# Moscow to Idaho or Paris to Texas.
STORY_COUNTRY_BONUS = 20.0
WEAK_STORY_BONUS = 5.0
STORY_MIN_SHARE = 0.05
# A small town named alone, in a country the story never mentions, is far more
# often a surname or a word NER mistook for a place ("Kim" is a town in India).
MIN_UNSUPPORTED_POPULATION = 100_000

_PHRASE_KINDS = frozenset({"country", "feature", "sea"})
_SUPPORTING_KINDS = frozenset({"country", "feature", "admin1"})
_APPOSITION_GAP = re.compile(r"^\s*,\s*$")
# Up to four capitalised words right before ", <country or state>".
_HEAD_BEFORE_COMMA = re.compile(r"((?:[A-Z][\w'.\-]*\s+){0,3}[A-Z][\w'.\-]*)\s*,\s*$")


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """A named-entity span from any tagger (character offsets, label)."""

    start: int
    end: int
    label: str


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    options: tuple[Candidate, ...]
    source: str  # "ner" or "phrase"


def find_places(
    text: str,
    gazetteer: Gazetteer,
    entities: Sequence[EntitySpan] = (),
    sentences: Sequence[Sentence] = (),
    date: dt.date | None = None,
) -> tuple[Place, ...]:
    """Every place named in `text`, resolved (works without spaCy when
    `entities` is empty: then only the phrase scan proposes candidates)."""
    mentions = _ner_mentions(text, gazetteer, entities) + _phrase_mentions(
        text, gazetteer, entities
    )
    accepted = _without_overlaps(mentions)
    accepted = sorted(
        accepted + _apposition_heads(text, accepted, gazetteer), key=lambda m: m.start
    )
    support = _story_support(text, accepted, entities, gazetteer)
    story_countries = {country for country, count in support.items() if count > 0}
    pins = _appositions(text, accepted)
    accepted = [
        mention
        for mention in accepted
        if mention.start in pins or _supported(mention, story_countries, support, gazetteer)
    ]
    starts = [sentence.start for sentence in sentences]
    places: list[Place] = []
    for number, mention in enumerate(accepted):
        chosen, how = _resolve(mention, story_countries, support, pins.get(mention.start))
        entry = chosen.entry
        index = bisect.bisect_right(starts, mention.start) - 1
        sentence_index = sentences[index].index if index >= 0 else -1
        places.append(
            Place(
                id=f"pl{number + 1}",
                start=mention.start,
                end=mention.end,
                text=text[mention.start : mention.end],
                name=entry.name,
                sentence_index=sentence_index,
                country=entry.country_on(date),
                lat=entry.lat,
                lon=entry.lon,
                geonameid=entry.geonameid,
                feature=entry.feature,
                rule_id=f"places.{mention.source}.{chosen.kind}{how}",
            )
        )
    return tuple(places)


class PlaceStage:
    """Fills `document.places` from the spaCy entities and a gazetteer scan."""

    name = "places"
    requires = frozenset({"spacy_doc", "sentences"})
    provides = frozenset({"places"})

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()

    def process(self, batch: list[Document]) -> list[Document]:
        for document in batch:
            doc = document.spacy_doc
            entities = (
                [EntitySpan(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
                if doc is not None
                else []
            )
            document.places = find_places(
                document.article.text,
                self.gazetteer,
                entities,
                document.sentences,
                document.article.date,
            )
        return batch


# Candidates -----------------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive from an entity span."""
    span = text[start:end]
    lowered = span.lower()
    if lowered.startswith("the "):
        start += 4
    for suffix in ("'s", "’s", "'", "’"):
        if text[start:end].endswith(suffix):
            end -= len(suffix)
            break
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _ner_mentions(
    text: str, gazetteer: Gazetteer, entities: Sequence[EntitySpan]
) -> list[_Mention]:
    person_words = {
        word.lower()
        for entity in entities
        if entity.label == "PERSON"
        for word in text[entity.start : entity.end].split()
    }
    mentions: list[_Mention] = []
    for entity in entities:
        if entity.label not in PLACE_LABELS:
            continue
        start, end = _trim(text, entity.start, entity.end)
        for part_start, part_end in _parts(text, start, end, gazetteer):
            surface = text[part_start:part_end]
            if gazetteer.is_demonym(surface):
                continue
            options = _plausible(gazetteer.lookup(surface), entity.label)
            if not options:
                continue
            # Lower-case "florida employers insurance" is a name, not the state;
            # KCNA's "south Korea" is still a country.
            if not surface[:1].isupper() and _best(options).kind not in _PHRASE_KINDS:
                continue
            # A surname tagged as a place ("Akiba") names a person elsewhere in
            # the story; only countries and curated features override that.
            if normalise_name(surface) in person_words and _best(options).kind not in (
                "country",
                "feature",
                "sea",
            ):
                continue
            mentions.append(_Mention(part_start, part_end, options, "ner"))
    return mentions


def _plausible(options: tuple[Candidate, ...], label: str) -> tuple[Candidate, ...]:
    """Options that fit the NER label: a LOC (river, mountain, region) is not a
    small town of the same name; a FAC (building, airport) is only a curated
    landmark."""
    if label == "FAC":
        return tuple(o for o in options if o.kind == "feature")
    if label == "LOC":
        return tuple(
            o
            for o in options
            if o.kind not in ("city", "alternate")
            or o.entry.population >= MIN_UNSUPPORTED_POPULATION
        )
    return options


def _parts(text: str, start: int, end: int, gazetteer: Gazetteer) -> Iterable[tuple[int, int]]:
    """The entity itself, or its comma-separated parts when only they resolve
    (NER sometimes tags "Lima, Peru" as one entity)."""
    if gazetteer.lookup(text[start:end]) or "," not in text[start:end]:
        yield start, end
        return
    offset = start
    for piece in text[start:end].split(","):
        piece_start = offset + len(piece) - len(piece.lstrip())
        piece_end = offset + len(piece.rstrip())
        if piece_end > piece_start:
            yield piece_start, piece_end
        offset += len(piece) + 1


def _phrase_mentions(
    text: str, gazetteer: Gazetteer, entities: Sequence[EntitySpan]
) -> list[_Mention]:
    blocked = _Blocking(
        (entity.start, entity.end, entity.label)
        for entity in entities
        if entity.label in BLOCKING_LABELS
        or (entity.label in PLACE_LABELS and _longer_unknown_name(text, entity, gazetteer))
    )
    tokens = tokenize(text)
    first_words = gazetteer.first_words
    mentions: list[_Mention] = []
    index = 0
    while index < len(tokens):
        start, _ = tokens[index]
        if not text[start].isupper() or text[start : tokens[index][1]].lower() not in first_words:
            index += 1
            continue
        found = None
        last = min(len(tokens), index + gazetteer.max_phrase_words)
        for stop in range(last, index, -1):
            end = tokens[stop - 1][1]
            key = normalise_name(text[start:end], strip_possessive=False)
            if key in gazetteer.scan_keys:
                found = (stop, end, gazetteer.lookup(key))
                break
        if found is None:
            index += 1
            continue
        stop, end, options = found
        if not _is_blocked(start, end, options, blocked):
            mentions.append(_Mention(start, end, options, "phrase"))
        index = stop
    return mentions


def _longer_unknown_name(text: str, entity: EntitySpan, gazetteer: Gazetteer) -> bool:
    """A place entity the gazetteer does not know whose words are all
    capitalised ("Turkey Point", a power plant): a country inside it is part
    of its name. "northern Japan" is not such a name."""
    start, end = _trim(text, entity.start, entity.end)
    words = text[start:end].split()
    return (
        len(words) > 1
        and all(word[:1].isupper() for word in words)
        and not gazetteer.lookup(text[start:end])
        and "," not in text[start:end]
    )


class _Blocking:
    """Entity spans that can block a phrase match, sorted by start, with the
    furthest end reached up to each one: the spans that can contain a phrase
    are found by a binary search and a short walk back, not a scan of them all."""

    def __init__(self, spans: Iterable[tuple[int, int, str]]) -> None:
        self.spans = sorted(spans)
        self.starts = [span[0] for span in self.spans]
        self.reach = list(itertools.accumulate((span[1] for span in self.spans), max))

    def containing(self, start: int, end: int) -> Iterator[tuple[int, int, str]]:
        """Every span with span start <= `start` and span end >= `end`."""
        index = bisect.bisect_right(self.starts, start) - 1
        while index >= 0 and self.reach[index] >= end:
            span = self.spans[index]
            if span[1] >= end:
                yield span
            index -= 1


def _is_blocked(start: int, end: int, options: tuple[Candidate, ...], blocked: _Blocking) -> bool:
    curated = any(option.kind == "feature" for option in options)
    for block_start, block_end, label in blocked.containing(start, end):
        inside = block_start <= start and end <= block_end
        # An entity that is exactly the name is NER misreading a place used for
        # its government ("Beijing has protested"); only a longer name blocks.
        longer = (block_start, block_end) != (start, end)
        # A curated feature survives a longer NORP or EVENT span the tagger
        # drew around it, not an organisation's name ("Workers' Party of Korea").
        if inside and (
            label == "PERSON" or (longer and (not curated or label not in ("NORP", "EVENT")))
        ):
            return True
    return False


def _without_overlaps(mentions: list[_Mention]) -> list[_Mention]:
    """Longest mentions first; a phrase match beats an NER span of equal length
    (it knows the feature), and overlapping shorter mentions are dropped."""
    ranked = sorted(
        mentions,
        key=lambda m: (-(m.end - m.start), m.source != "phrase", m.start),
    )
    taken = _Disjoint()
    kept: list[_Mention] = []
    for mention in ranked:
        if taken.add(mention.start, mention.end):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


class _Disjoint:
    """Disjoint character intervals kept sorted by start, so that whether a new
    interval overlaps one of them is one binary search (not a scan of them all:
    a place-dense story of 200,000 characters has ~10,000 mentions)."""

    def __init__(self, intervals: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in intervals:
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        # Disjoint intervals sorted by start are sorted by end too: only the last
        # one starting before `end` can reach past `start`.
        index = bisect.bisect_left(self.starts, end) - 1
        return index >= 0 and self.ends[index] > start

    def add(self, start: int, end: int) -> bool:
        """Keep [start, end) unless it overlaps a kept interval; say whether it was kept."""
        if self.overlaps(start, end):
            return False
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        return True


def _apposition_heads(text: str, accepted: list[_Mention], gazetteer: Gazetteer) -> list[_Mention]:
    """Cities NER missed or mislabelled right before ", Country" ("Valencia,
    Venezuela"): the explicit pattern is trusted over the tagger."""
    found: list[_Mention] = []
    taken = _Disjoint((other.start, other.end) for other in accepted)
    for mention in accepted:
        qualifier = _best(mention.options)
        if qualifier.kind not in ("country", "admin1"):
            continue
        window_start = max(0, mention.start - 80)
        match = _HEAD_BEFORE_COMMA.search(text[window_start : mention.start])
        if match is None:
            continue
        head_start = window_start + match.start(1)
        head_end = window_start + match.end(1)
        words = [
            (window_start + m.start(), window_start + m.end())
            for m in re.finditer(r"\S+", match.group(1))
        ]
        for first, _ in words:  # longest head first
            start = max(first, head_start)
            options = tuple(
                option
                for option in gazetteer.cities.get(normalise_name(text[start:head_end]), ())
                if option.entry.country == qualifier.entry.country
            )
            if not options:
                continue
            if not taken.overlaps(start, head_end):
                found.append(_Mention(start, head_end, options, "apposition"))
            break
    return found


# Resolution -----------------------------------------------------------------------


def _best(options: Sequence[Candidate]) -> Candidate:
    return max(options, key=lambda candidate: candidate.prior)


def _supported(
    mention: _Mention,
    story_countries: set[str | None],
    support: Counter[str | None],
    gazetteer: Gazetteer,
) -> bool:
    best = _best(mention.options)
    if mention.source == "apposition":
        return True
    if best.kind == "admin1":
        # "Long Island" alone is not a district of the Bahamas: only the states
        # and provinces of countries whose divisions news names alone, or of a
        # country the story mentions elsewhere (this mention counted itself).
        return best.entry.country in gazetteer.admin1_named_alone or support[best.entry.country] > 1
    if best.kind not in ("city", "alternate"):
        return True
    return any(
        option.entry.population >= MIN_UNSUPPORTED_POPULATION
        or option.entry.country in story_countries
        for option in mention.options
        if option.kind in ("city", "alternate")
    )


def _appositions(text: str, mentions: list[_Mention]) -> dict[int, Candidate]:
    """ "Lima, Peru" / "Atlanta, Georgia": the second name pins the first, and
    the first picks which reading of the second is meant (the US state, not
    the country). Keys are mention starts; both mentions get a pin."""
    pins: dict[int, Candidate] = {}
    for first, second in itertools.pairwise(mentions):
        if not _APPOSITION_GAP.match(text[first.end : second.start]):
            continue
        qualifiers = sorted(
            (o for o in second.options if o.kind in ("country", "admin1")),
            key=lambda o: -o.prior,
        )
        for qualifier in qualifiers:
            if _consistent(first.options, qualifier):
                pins[first.start] = qualifier
                pins[second.start] = qualifier
                break
    return pins


def _consistent(options: Sequence[Candidate], qualifier: Candidate) -> list[Candidate]:
    if qualifier.kind == "admin1":
        return [
            o for o in options if o.entry.admin1 == qualifier.entry.admin1 and o is not qualifier
        ]
    return [
        o for o in options if o.entry.country == qualifier.entry.country and o.kind != "country"
    ]


def _story_support(
    text: str, accepted: list[_Mention], entities: Sequence[EntitySpan], gazetteer: Gazetteer
) -> Counter[str | None]:
    """How often the story names each country: as a country, a curated feature
    or a state/province, or by a nationality adjective ("Georgian officials")."""
    support: Counter[str | None] = Counter(
        _best(mention.options).entry.country
        for mention in accepted
        if _best(mention.options).kind in _SUPPORTING_KINDS
    )
    for entity in entities:
        if entity.label == "NORP":
            country = gazetteer.demonym_country(text[entity.start : entity.end])
            if country is not None:
                support[country] += 1
    return support


def _resolve(
    mention: _Mention,
    story_countries: set[str | None],
    support: Counter[str | None],
    pin: Candidate | None,
) -> tuple[Candidate, str]:
    options = mention.options
    if pin is not None:
        if any(option is pin for option in options):
            return pin, ".apposition"
        pinned = _consistent(options, pin)
        if pinned:
            return _best(pinned), ".apposition"
    plain = _best(options)
    if len({option.entry.country for option in options}) < 2:
        return plain, ""
    if plain.kind == "country" and support[plain.entry.country] <= 1:
        # "Georgia regulators" in a story about the United States: a country
        # the story names nowhere else loses to a state of a country it does.
        states = [o for o in options if o.kind == "admin1" and o.entry.country in story_countries]
        if states:
            return _best(states), ".story-country"

    largest = max(option.entry.population for option in options)

    def score(candidate: Candidate) -> float:
        if candidate.entry.country not in story_countries:
            return candidate.prior
        if candidate.entry.population >= STORY_MIN_SHARE * largest:
            return candidate.prior + STORY_COUNTRY_BONUS
        return candidate.prior + WEAK_STORY_BONUS

    chosen = max(options, key=score)
    return chosen, ("" if chosen is plain else ".story-country")
