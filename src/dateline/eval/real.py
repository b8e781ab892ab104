"""The real-story events corpus (`evalsets/real/`): references rebuilt into articles.

The corpus holds no news text. `stories.jsonl` names each story by id and by the file
under ``../shared/data/news/`` it comes from, with the sha256 of its text as dateline
ingests it; `load_corpus` reads those files with dateline's own readers and checks
the digest, so the gold offsets (written against that text) still point at the same
characters. Gold events are in `gold/<annotator>/<packet name>.json`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.errors import DatelineError, EvalDataError
from dateline.eval import EvalReport, prf
from dateline.eval.stories import timeml_interval
from dateline.ingest import read_inputs
from dateline.records import Article, Document, EventActor

if TYPE_CHECKING:
    from dateline.pipeline import Pipeline

__all__ = [
    "REAL_DIR",
    "SPLITS",
    "Coded",
    "RealStory",
    "agreement",
    "evaluate_real",
    "gold_items",
    "gold_stories",
    "load_corpus",
    "match_story",
    "packet_name",
    "score_matches",
    "system_items",
]

# dev2 is a second blind batch, drawn and annotated after the rules had been fitted to dev:
# scored first as a fresh check of them, then developed on beside dev; dev3 a third, drawn
# after the rules had been fitted to dev and dev2 (fourth session), dev4, dev5 and dev6 in the
# fifth session (dev5 and dev6 as training data for the learned dyad coder), dev7 and dev8
# (Reuters-21578 and KCNA) and dev9 (the last modern stories, kept out of the coder's
# training) in the sixth, dev10 (Reuters and KCNA, a fresh check) in the tenth, dev11, dev12 and
# dev13 (Reuters and KCNA, each a fresh check and then training data) in the fourteenth, dev14 … dev18
# (the same) in the sixteenth, dev19 … dev22 (the same) in the nineteenth. test stays held out.
SPLITS = (
    *("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10"),
    *("dev11", "dev12", "dev13", "dev14", "dev15", "dev16", "dev17", "dev18", "dev19", "dev20"),
    *("dev21", "dev22"),
    "test",
)
REAL_DIR = Path(__file__).resolve().parents[3] / "evalsets" / "real"
NEWS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "news"


@dataclass(frozen=True, slots=True)
class RealStory:
    article: Article
    source: str  # modern, reuters or kcna
    split: str  # dev, dev2 ... dev22 (later batches, 2026-12-06 and after) or test
    double: bool  # annotated twice, for agreement


def packet_name(story_id: str) -> str:
    """A file-system-safe name for a story id (``modern-dev:001`` -> ``modern-dev_001.json``)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", story_id) + ".txt"


def load_corpus(
    corpus_dir: Path = REAL_DIR,
    news_dir: Path = NEWS_DIR,
    splits: Sequence[str] = SPLITS,
) -> list[RealStory]:
    """The corpus' stories rebuilt from `news_dir`, in corpus order.

    Raises `DatelineError` when a story is missing from its file or its text no longer
    has the recorded digest (the gold offsets would point at other characters).
    """
    rows = [
        json.loads(line)
        for line in (corpus_dir / "stories.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rows = [row for row in rows if row["split"] in splits]
    wanted: dict[str, set[str]] = {}
    for row in rows:
        wanted.setdefault(row["file"], set()).add(row["id"])
    found: dict[str, Article] = {}
    for file, ids in wanted.items():
        for item in _articles(news_dir / file):
            if item.id in ids:
                found[item.id] = item
    stories = []
    for row in rows:
        article = found.get(row["id"])
        if article is None:
            raise DatelineError(f"real corpus: story {row['id']} not found in {row['file']}")
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if digest != row["sha256"]:
            raise DatelineError(
                f"real corpus: story {row['id']} in {row['file']} has changed "
                f"(sha256 {digest[:12]}, expected {row['sha256'][:12]}); the gold offsets no longer hold"
            )
        stories.append(RealStory(article, row["source"], row["split"], bool(row["double"])))
    return stories


def _articles(path: Path) -> Iterator[Article]:
    for item in read_inputs([path]):
        if isinstance(item, Article):
            yield item


# --- scoring (../shared/annotation/EVENTS.md §7) ------------------------------------------

GOLD_DIR = REAL_DIR / "gold"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Coded:
    """One event, gold or coded, reduced to what §7 scores."""

    story: str
    sentence_index: int
    sentence: str
    source: str | None  # country (ISO3, SUN, IGO) or None
    target: str | None
    code: str
    plover: str | None
    modality: str
    date_value: str | None
    date_precision: str | None
    date_range: tuple[dt.date, dt.date] | None  # the interval the date covers
    symmetric: bool = False
    # Keys and codes a careful coder could also defend: (source, target, root) and full codes.
    alt_keys: tuple[tuple[str | None, str | None, str], ...] = ()
    alt_codes: tuple[str, ...] = ()
    alt_modalities: tuple[str, ...] = ()
    label: str = ""  # trigger / rule id, for the error listing

    @property
    def root(self) -> str:
        return self.code[:2]

    def keys(self) -> set[tuple[str | None, str | None, str]]:
        keys = {(self.source, self.target, self.root), *self.alt_keys}
        if self.symmetric:
            keys |= {(t, s, r) for s, t, r in keys}
        return keys


# Gold that writes one country two ways: Kosovo, which has no ISO 3166 code, is KSV in one
# story (CAMEO's code) and XKX in another (the user-assigned code dateline's actors use).
SAME_COUNTRY = {"KSV": "XKX"}


def _country(actor: dict[str, Any] | None) -> str | None:
    if not actor:
        return None
    country = actor.get("country")
    code = str(actor.get("cameo_actor") or "")
    if not country and code.startswith("IGO"):
        return "IGO"
    if not country:
        return None
    country = str(country).upper()
    return SAME_COUNTRY.get(country, country)


def _event_country(actor: EventActor | None) -> str | None:
    from dateline.events.learned import mention_country

    return mention_country(actor)


def _gold_interval(
    date: dict[str, Any] | None, doc_date: dt.date
) -> tuple[dt.date, dt.date] | None:
    if not date:
        return None
    low: dt.date | None = None
    high: dt.date | None = None
    if date.get("precision") == "report":
        # §7: a report date also accepts the 7 days before its anchor.
        anchor = timeml_interval(date.get("value")) or (doc_date, doc_date)
        low, high = anchor[0] - dt.timedelta(days=7), anchor[1]
    elif covered := timeml_interval(date.get("value")):
        low, high = covered
    span = date.get("range")
    if span and len(span) == 2:
        ends = [timeml_interval(str(v)) for v in span]
        if ends[0] and ends[1]:
            low = min(low, ends[0][0]) if low else ends[0][0]
            high = max(high, ends[1][1]) if high else ends[1][1]
    return (low, high) if low and high else None


def gold_items(record: dict[str, Any], text: str) -> list[Coded]:
    """The events of one gold file (EVENTS.md §1) as `Coded` items."""
    doc_date = dt.date.fromisoformat(record["doc_date"])
    items = []
    for event in record.get("events", []):
        start, end = int(event["sentence_start"]), int(event["sentence_end"])
        date = event.get("event_date") or {}
        source, target = _country(event.get("source")), _country(event.get("target"))
        code = str(event["cameo"]).strip()
        alt_keys, alt_codes, alt_modalities = [], [], []
        for alternative in event.get("alternatives") or []:
            a_source = _country(alternative["source"]) if "source" in alternative else source
            a_target = _country(alternative["target"]) if "target" in alternative else target
            a_code = str(alternative.get("cameo") or code)
            alt_keys.append((a_source, a_target, a_code[:2]))
            if "cameo" in alternative:
                alt_codes.append(a_code)
            if "modality" in alternative:
                alt_modalities.append(str(alternative["modality"]))
        items.append(
            Coded(
                story=record["doc_id"],
                sentence_index=int(event["sentence_index"]),
                sentence=text[start:end],
                source=source,
                target=target,
                code=code,
                plover=event.get("plover"),
                modality=str(event.get("modality") or "asserted"),
                date_value=date.get("value"),
                date_precision=date.get("precision"),
                date_range=_gold_interval(date, doc_date),
                symmetric=bool(event.get("symmetric")),
                alt_keys=tuple(alt_keys),
                alt_codes=tuple(alt_codes),
                alt_modalities=tuple(alt_modalities),
                label=str(event.get("trigger") or ""),
            )
        )
    return items


def system_items(document: Document) -> list[Coded]:
    """A coded document's events as `Coded` items."""
    items = []
    for event in document.events:
        date = event.date
        covered = (date.start, date.end) if date.start and date.end else timeml_interval(date.value)
        items.append(
            Coded(
                story=document.article.id,
                sentence_index=event.sentence_index,
                sentence=event.sentence,
                source=_event_country(event.source),
                target=_event_country(event.target),
                code=event.cameo_code,
                plover=event.plover_event,
                modality=event.modality,
                date_value=date.value,
                date_precision=date.precision,
                date_range=covered,
                label=f"{event.trigger} [{event.rule_id}]",
            )
        )
    return items


def _normal(text: str) -> str:
    return " ".join(text.split())


def _jaccard(a: str, b: str) -> float:
    left, right = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(left & right) / len(left | right) if left | right else 0.0


def align_sentence(item: Coded, gold_sentences: dict[int, str]) -> int | None:
    """The gold sentence index a system event's sentence aligns to (§7), or None."""
    text = _normal(item.sentence)
    if _normal(gold_sentences.get(item.sentence_index, "")) == text:
        return item.sentence_index
    for index, sentence in gold_sentences.items():
        if _normal(sentence) == text:
            return index
    best = max(gold_sentences.items(), key=lambda kv: _jaccard(kv[1], text), default=None)
    if best is not None and _jaccard(best[1], text) >= 0.5:
        return best[0]
    return None


@dataclass
class StoryMatch:
    pairs: list[tuple[Coded, Coded]]  # (gold, system)
    missed: list[Coded]
    spurious: list[Coded]
    mirrors: int  # other directions of matched symmetric gold: neither hit nor false positive
    aligned: dict[int, list[Coded]]  # system events by the gold sentence they align to
    # the events stage's candidate triggers by sentence index, when traced
    candidates: dict[int, list[Any]] = field(default_factory=dict)


def match_story(
    gold: Sequence[Coded], system: Sequence[Coded], sentences: dict[int, str]
) -> StoryMatch:
    """One-to-one greedy matching on (sentence, source, target, root), EVENTS.md §7.

    `sentences` are the story's sentences by index (the gold offsets' text). Among pairs with
    a matching key, the same full code is preferred, then a compatible date.
    """
    aligned: dict[int, list[Coded]] = {}
    unaligned: list[Coded] = []
    for item in system:
        index = align_sentence(item, sentences)
        if index is None:
            unaligned.append(item)
        else:
            aligned.setdefault(index, []).append(item)
    candidates = []
    for g_index, g in enumerate(gold):
        keys = g.keys()
        for s_index, s in enumerate(aligned.get(g.sentence_index, [])):
            if (s.source, s.target, s.root) in keys:
                same_code = s.code == g.code or s.code in g.alt_codes
                dated = _overlaps(g.date_range, s.date_range)
                candidates.append((not same_code, not dated, g_index, s_index, g, s))
    candidates.sort(key=lambda c: c[:4])
    used_gold: set[int] = set()
    used_system: set[int] = set()
    pairs = []
    for _, _, g_index, _s_index, g, s in candidates:
        if g_index in used_gold or id(s) in used_system:
            continue
        used_gold.add(g_index)
        used_system.add(id(s))
        pairs.append((g, s))
    mirrors = 0
    spurious = list(unaligned)
    for index, items in aligned.items():
        matched_symmetric = {
            (g.sentence_index, s.source, s.target, s.root)
            for g, s in pairs
            if g.symmetric and g.sentence_index == index
        }
        for s in items:
            if id(s) in used_system:
                continue
            if (index, s.target, s.source, s.root) in matched_symmetric:
                mirrors += 1
            else:
                spurious.append(s)
    missed = [g for i, g in enumerate(gold) if i not in used_gold]
    return StoryMatch(pairs, missed, spurious, mirrors, aligned)


def _overlaps(a: tuple[dt.date, dt.date] | None, b: tuple[dt.date, dt.date] | None) -> bool:
    return bool(a and b and a[0] <= b[1] and b[0] <= a[1])


def miss_reason(missed: Coded, match: StoryMatch) -> str:
    """Why a gold event was not matched, from what was coded in its sentence."""
    coded = match.aligned.get(missed.sentence_index, [])
    if not coded:
        dropped = [c for c in match.candidates.get(missed.sentence_index, []) if c.step]
        words = set(_WORD.findall(missed.label.lower()))
        # the candidate the gold trigger names, else one of the gold event's root
        named = [c for c in dropped if c.trigger.lower() in words]
        same_root = [c for c in dropped if (c.code or "")[:2] == missed.root]
        if not (named or same_root):
            return "no candidate trigger for the event"
        return f"dropped by {(named or same_root)[0].step}"
    dyads = {(s.source, s.target) for s in coded} | {(s.target, s.source) for s in coded}
    if (missed.source, missed.target) in dyads:
        return "right dyad, wrong root"
    if any(s.root == missed.root for s in coded):
        return "right root, wrong dyad"
    return "other events in the sentence"


def score_matches(
    matches: Sequence[tuple[StoryMatch, dt.date]], title: str, gold_name: str = "gold"
) -> EvalReport:
    """P/R/F1 and the matched-pair accuracies over many stories' matches."""
    tp = sum(len(m.pairs) for m, _ in matches)
    fp = sum(len(m.spurious) for m, _ in matches)
    fn = sum(len(m.missed) for m, _ in matches)
    precision, recall, f1 = prf(tp, fp, fn)
    pairs = [(g, s, day) for m, day in matches for g, s in m.pairs]
    metrics: dict[str, float] = {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "gold": float(tp + fn),
        "coded": float(tp + fp),
        "matched": float(tp),
        "mirrors": float(sum(m.mirrors for m, _ in matches)),
    }

    def share(hits: int, total: int) -> float:
        return round(hits / total, 3) if total else 0.0

    metrics["cameo_code"] = share(
        sum(s.code == g.code or s.code in g.alt_codes for g, s, _ in pairs), len(pairs)
    )
    with_plover = [(g, s) for g, s, _ in pairs if g.plover]
    metrics["plover"] = share(sum(g.plover == s.plover for g, s in with_plover), len(with_plover))
    metrics["modality"] = share(sum(_modality_ok(g, s) for g, s, _ in pairs), len(pairs))
    not_asserted = [(g, s) for g, s, _ in pairs if g.modality != "asserted"]
    metrics["modality_not_asserted"] = share(
        sum(_modality_ok(g, s) for g, s in not_asserted), len(not_asserted)
    )
    dated = [(g, s, day) for g, s, day in pairs if g.date_precision != "vague" and g.date_range]
    off_day = [(g, s, day) for g, s, day in dated if _off_story_day(g, day)]
    for name, group in (("", dated), ("_off_story_day", off_day)):
        metrics[f"date_strict{name}"] = share(
            sum(g.date_value == s.date_value for g, s, _ in group), len(group)
        )
        metrics[f"date_lenient{name}"] = share(
            sum(_overlaps(g.date_range, s.date_range) for g, s, _ in group), len(group)
        )
        metrics[f"dated{name}"] = float(len(group))
    rows = []
    roots = sorted({g.root for m, _ in matches for g in [*(p[0] for p in m.pairs), *m.missed]})
    for root in roots:
        found = sum(g.root == root for g, _, _ in pairs)
        total = found + sum(g.root == root for m, _ in matches for g in m.missed)
        coded = found + sum(s.root == root for m, _ in matches for s in m.spurious)
        rows.append(
            {
                "root": root,
                gold_name: total,
                "matched": found,
                "recall": share(found, total),
                "coded": coded,
                "precision": share(found, coded),
            }
        )
    report = EvalReport(title=title, rows=rows, metrics=metrics)
    reasons: dict[str, int] = {}
    for m, _ in matches:
        for g in m.missed:
            reason = miss_reason(g, m)
            reasons[reason] = reasons.get(reason, 0) + 1
    report.details.append(
        "missed gold events by reason: "
        + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
    )
    for m, _ in matches:
        for g in m.missed:
            report.details.append(
                f"missed  {g.story} [{g.sentence_index}] {g.source} {g.code} {g.target} '{g.label}': {miss_reason(g, m)}"
            )
        for s in m.spurious:
            report.details.append(
                f"extra   {s.story} [{s.sentence_index}] {s.source} {s.code} {s.target} {s.label}"
            )
    return report


def _modality_ok(gold: Coded, system: Coded) -> bool:
    return system.modality == gold.modality or system.modality in gold.alt_modalities


def _off_story_day(gold: Coded, story_day: dt.date) -> bool:
    return gold.date_precision != "report" and gold.date_value != story_day.isoformat()


def gold_file(story_id: str, annotation: str = "primary", gold_dir: Path = GOLD_DIR) -> Path:
    """Where one story's gold is kept: `gold/primary/` or `gold/second/` (the double annotation)."""
    return gold_dir / annotation / packet_name(story_id).replace(".txt", ".json")


def _read_gold(path: Path) -> dict[str, Any]:
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise EvalDataError(f"{path}: cannot read gold: {error}") from error
    return record


def _sentences_of(record: dict[str, Any], text: str, document: Document | None) -> dict[int, str]:
    sentences = {s.index: s.text for s in document.sentences} if document is not None else {}
    for event in record.get("events", []):
        index = int(event["sentence_index"])
        sentences[index] = text[int(event["sentence_start"]) : int(event["sentence_end"])]
    return sentences


def evaluate_real(
    split: str = "dev",
    pipeline: Pipeline | None = None,
    gold_dir: Path = GOLD_DIR,
    corpus_dir: Path = REAL_DIR,
) -> EvalReport:
    """Code the split's stories and score them against their primary gold (EVENTS.md §7).

    `split` is one of `SPLITS` or several joined by commas (``"dev,dev2"``).

    A story the pipeline fails on (a stage raises) is coded as `dateline code` codes it,
    under the run's guard: it yields no events, so all its gold events are missed, and the
    report names it and the stage that failed instead of stopping the evaluation."""
    from dateline.guard import code_guarded
    from dateline.run import build_pipeline

    stories = gold_stories(split, gold_dir, corpus_dir)
    pipeline = pipeline or build_pipeline()
    coded, rejects = code_guarded(pipeline, [s.article for s in stories])
    documents = {d.article.id: d for d in coded}
    failed_ids = [s.article.id for s in stories if s.article.id not in documents]
    failures = dict(zip(failed_ids, (r.reason for r in rejects), strict=False))
    events_stage = pipeline.stages[-1]
    matches = []
    for story in stories:
        record = _read_gold(gold_file(story.article.id, gold_dir=gold_dir))
        document = documents.get(story.article.id)
        text = story.article.text
        gold = gold_items(record, text)
        if document is None:
            matches.append(
                (match_story(gold, [], _sentences_of(record, text, None)), story.article.date)
            )
            continue
        match = match_story(gold, system_items(document), _sentences_of(record, text, document))
        if hasattr(events_stage, "code_document"):
            # the candidate triggers and the steps that dropped them, to say why a miss
            trace: list[Any] = []
            events_stage.code_document(document, trace=trace)
            for candidate in trace:
                match.candidates.setdefault(candidate.sentence_index, []).append(candidate)
        matches.append((match, story.article.date))
    report = score_matches(matches, f"events on real stories ({split}, {len(stories)} stories)")
    report.metrics["stories"] = float(len(stories))
    report.metrics["failed_stories"] = float(len(failed_ids))
    # by source (modern outlets, Reuters-21578 wire, KCNA agency copy): they differ a lot
    for source in sorted({story.source for story in stories}):
        part = [m for m, story in zip(matches, stories, strict=True) if story.source == source]
        by_source = score_matches(part, source).metrics
        for name in ("precision", "recall", "f1"):
            report.metrics[f"{source}.{name}"] = by_source[name]
    report.details[:0] = [
        f"failed   {story_id}: {failures.get(story_id, 'the pipeline failed')}"
        for story_id in failed_ids
    ]
    return report


def gold_stories(
    split: str, gold_dir: Path = GOLD_DIR, corpus_dir: Path = REAL_DIR
) -> list[RealStory]:
    """The stories of `split` (one of `SPLITS` or several joined by commas) that have a
    primary gold file; raises `EvalDataError` when none has."""
    stories = [
        s
        for s in load_corpus(corpus_dir, splits=_splits(split))
        if gold_file(s.article.id, gold_dir=gold_dir).exists()
    ]
    if not stories:
        raise EvalDataError(f"no gold stories in the {split!r} split under {gold_dir}")
    return stories


def _splits(split: str) -> tuple[str, ...]:
    """The splits of a `--split` value: one of `SPLITS` or several joined by commas."""
    splits = tuple(part.strip() for part in split.split(","))
    unknown = [part for part in splits if part not in SPLITS]
    if unknown:
        raise EvalDataError(f"unknown split {unknown[0]!r} (the splits are {', '.join(SPLITS)})")
    return splits


def agreement(
    split: str | None = None, gold_dir: Path = GOLD_DIR, corpus_dir: Path = REAL_DIR
) -> EvalReport:
    """Inter-annotator agreement: the second annotation scored against the primary one, same
    scorer; over the doubly annotated stories of `split` (several joined by commas), else of
    every split."""
    splits = _splits(split) if split else SPLITS
    matches = []
    for story in load_corpus(corpus_dir, splits=splits):
        first, second = (
            gold_file(story.article.id, "primary", gold_dir),
            gold_file(story.article.id, "second", gold_dir),
        )
        if not (first.exists() and second.exists()):
            continue
        text = story.article.text
        primary, other = _read_gold(first), _read_gold(second)
        gold = gold_items(primary, text)
        coded = gold_items(other, text)
        sentences = _sentences_of(primary, text, None) | {
            c.sentence_index: c.sentence
            for c in coded
            if c.sentence_index not in {g.sentence_index for g in gold}
        }
        matches.append((match_story(gold, coded, sentences), story.article.date))
    if not matches:
        raise EvalDataError(f"no doubly annotated stories under {gold_dir}")
    report = score_matches(
        matches, f"inter-annotator agreement ({len(matches)} stories annotated twice)"
    )
    report.metrics["stories"] = float(len(matches))
    return report
