"""Score the events stage on PETRARCH's validation suite.

The suite (``PETR.UnitTest.records.xml``, openeventdata/petrarch2, MIT) holds
284 sentences about fictional actors (Arnor, Gondor, ...) with the events
PETRARCH should code, and the four ``PETR.Validate.*`` dictionaries those
actors and verbs come from. We code every sentence with the suite's actor and
agent dictionaries (`ActorKnowledge.from_phoenix`) and one of two verb
pattern sets:

* ``validate``: the suite's own verb dictionary, compiled with the same
  reader as CAMEO 2.0 (its fictional codes such as 901-907 only exist there);
* ``cameo2``: dateline's shipped patterns (CAMEO 2.0 plus our additions).

Scores are micro precision/recall/F1 over (source, target, code) triples per
sentence, and exact-record accuracy (the coded set equals the gold set).
Records that test input errors (``error=...``) are not scored.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dateline.eval import EvalReport, prf
from dateline.records import ActorMention, Article, Document

__all__ = ["SuiteRecord", "evaluate_events", "read_suite"]

SUITE_DIR = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "events"
    / "petrarch-validation"
)
NULL_TARGET = "---"


@dataclass(frozen=True, slots=True)
class SuiteRecord:
    id: str
    date: dt.date
    text: str
    gold: frozenset[tuple[str, str, str]]
    category: str = ""


def read_suite(path: Path) -> tuple[list[SuiteRecord], int]:
    """The scored records of the suite and how many were left out (input errors)."""
    root = ET.parse(path).getroot()
    records: list[SuiteRecord] = []
    skipped = 0
    for sentence in root.iter("Sentence"):
        text_node = sentence.find("Text")
        if text_node is None or not (text_node.text or "").strip():
            skipped += 1
            continue
        codings = sentence.findall("EventCoding")
        if any("error" in c.attrib for c in codings):
            skipped += 1
            continue
        gold = frozenset(
            (
                c.attrib["sourcecode"],
                c.attrib.get("targetcode") or NULL_TARGET,
                c.attrib["eventcode"],
            )
            for c in codings
            if "sourcecode" in c.attrib and "eventcode" in c.attrib
        )
        raw_date = sentence.get("date", "")
        try:
            date = dt.date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:8]))
        except ValueError:
            skipped += 1
            continue
        records.append(
            SuiteRecord(
                id=sentence.get("id", ""),
                date=date,
                text=" ".join(text_node.text.split()) if text_node.text else "",
                gold=gold,
                category=sentence.get("category", ""),
            )
        )
    return records, skipped


def _actor_stage(suite_dir: Path) -> tuple[Any, str]:
    """The actors stage over the suite's dictionaries; a plain phrase matcher
    over the same dictionaries when the actors stage is not available."""
    actors = suite_dir / "PETR.Validate.actors.txt"
    agents = suite_dir / "PETR.Validate.agents.txt"
    try:
        from dateline.actors import ActorKnowledge, ActorStage

        knowledge = ActorKnowledge.from_phoenix([actors], agents)
        try:
            return ActorStage(knowledge=knowledge), "stage"
        except TypeError:
            return ActorStage(knowledge), "stage"
    except ImportError:
        return _PhraseActors(actors), "phrases"


class _PhraseActors:
    """Fallback: longest-match of the suite's actor phrases, no agents."""

    name = "actors"
    requires = frozenset({"spacy_doc", "sentences"})
    provides = frozenset({"mentions"})

    def __init__(self, actors_path: Path) -> None:
        from dateline.actors.phoenix import phrase_tokens, read_actor_file

        self.phrases: dict[tuple[str, ...], Any] = {}
        for actor in read_actor_file(actors_path):
            for phrase in actor.phrases:
                tokens = phrase_tokens(phrase)
                if tokens:
                    self.phrases.setdefault(tokens, actor)
        self.longest = max((len(p) for p in self.phrases), default=1)

    def _code(self, actor: Any, day: dt.date) -> str:
        for role in actor.roles:
            if (role.start is None or role.start <= day) and (role.end is None or day <= role.end):
                return str(role.code)
        return str(actor.default or "")

    def process(self, batch: list[Document]) -> list[Document]:
        for document in batch:
            doc = document.spacy_doc
            if doc is None:
                continue
            words = [t.lower_ for t in doc]
            mentions: list[ActorMention] = []
            i = 0
            while i < len(doc):
                for size in range(min(self.longest, len(doc) - i), 0, -1):
                    actor = self.phrases.get(tuple(words[i : i + size]))
                    if actor is None:
                        continue
                    code = self._code(actor, document.article.date)
                    span = doc[i : i + size]
                    if code and code not in ("---", "+++"):
                        mentions.append(
                            ActorMention(
                                id=f"a{len(mentions)}",
                                start=span.start_char,
                                end=span.end_char,
                                text=span.text,
                                name=span.text,
                                cameo_code=code,
                                sentence_index=0,
                                head=span.root.idx,
                            )
                        )
                    i += size - 1
                    break
                i += 1
            document.mentions = tuple(mentions)
        return batch


class _AgentComposer:
    """Workaround for the evaluation: the actors stage does not (yet) apply
    the suite's agent dictionary, so "the Kuwait government", "Soldiers from
    Gondor" and "Bree Prime Minister Romendacil" come back as bare country
    codes. This pass joins an agent noun (``GOVERNMENT [~GOV]``) with the
    actor that modifies it, or with the actor it titles, as PETRARCH does."""

    def __init__(self, agents_path: Path) -> None:
        from dateline.actors.phoenix import phrase_tokens, read_agent_file

        self.agents: dict[tuple[str, ...], str] = {}
        for agent in read_agent_file(agents_path):
            words = phrase_tokens(agent.phrase)
            if not words:
                continue
            self.agents.setdefault(words, agent.code)
            if agent.plural is None:
                self.agents.setdefault((*words[:-1], words[-1] + "s"), agent.code)
            elif agent.plural:
                self.agents.setdefault(phrase_tokens(agent.plural), agent.code)

    def _agent_at(self, token: Any) -> tuple[str, Any] | None:
        """The agent code of the noun phrase ending at `token` (longest first)."""
        doc = token.doc
        for size in range(4, 0, -1):
            start = token.i - size + 1
            if start < 0:
                continue
            words = tuple(t.lower_ for t in doc[start : token.i + 1])
            code = self.agents.get(words) or self.agents.get((*words[:-1], token.lemma_.lower()))
            if code is not None:
                return code, doc[start]
        return None

    @staticmethod
    def _join(actor: str, agent: str) -> str:
        agent = agent.replace(" ", "")
        if agent.startswith("~"):
            return actor + agent[1:]
        if agent.endswith("~"):
            return agent[:-1] + actor
        return actor

    def process(self, batch: list[Document]) -> list[Document]:
        for document in batch:
            doc = document.spacy_doc
            if doc is None:
                continue
            starts = {t.idx: t.i for t in doc}
            by_head = {starts[m.head]: m for m in document.mentions if m.head in starts}
            added: list[ActorMention] = []
            replaced: dict[str, ActorMention] = {}
            for i, mention in by_head.items():
                token = doc[i]
                code = mention.cameo_code
                if not code or len(code) > 3:
                    continue
                # the actor it titles: "Bree Prime Minister Romendacil"
                titles = [c for c in token.children if c.dep_ == "compound" and c.i not in by_head]
                for title in titles:
                    found = self._agent_at(title)
                    if found is not None:
                        replaced[mention.id] = replace(
                            mention, cameo_code=self._join(code, found[0])
                        )
                        break
                # the agent it modifies: "Kuwait government", "soldiers from Gondor", "Gondor's police"
                head = token.head
                if (
                    token.dep_ == "pobj"
                    and head.dep_ == "prep"
                    and head.lower_ in ("from", "of", "in")
                ):
                    head = head.head
                elif token.dep_ not in ("compound", "poss", "amod", "nmod"):
                    continue
                if head.i in by_head or head.pos_ not in ("NOUN", "PROPN"):
                    continue
                found = self._agent_at(head)
                if found is None:
                    continue
                added.append(
                    replace(
                        mention,
                        id=f"{mention.id}+agent",
                        cameo_code=self._join(code, found[0]),
                        head=head.idx,
                        start=min(mention.start, head.idx),
                        end=max(mention.end, head.idx + len(head.text)),
                        kind="composed",
                    )
                )
            document.mentions = tuple(replaced.get(m.id, m) for m in document.mentions) + tuple(
                added
            )
        return batch


def _pattern_sets(suite_dir: Path, which: Iterable[str]) -> dict[str, Any]:
    from dateline.events.patterns import load_patterns
    from dateline.events.petrarch import parse_verb_dictionary

    sets: dict[str, Any] = {}
    for name in which:
        if name == "cameo2":
            sets[name] = load_patterns()
        elif name == "validate":
            path = suite_dir / "PETR.Validate.verbs.txt"
            with path.open(encoding="utf-8", errors="replace") as handle:
                data = parse_verb_dictionary(handle, prefix="petrval")
            base = load_patterns(verbs=data, additions=None, verbs_label=str(path))
            ours = load_patterns()
            # the suite's own verbs only; our reporting-verb and modality lists stay
            sets[name] = replace(base, reporting=ours.reporting, embedding=ours.embedding)
        else:
            raise ValueError(f"unknown pattern set {name!r}; use 'validate' or 'cameo2'")
    return sets


def _triples(document: Document) -> set[tuple[str, str, str]]:
    return {
        (e.source.cameo_code, e.target.cameo_code if e.target else NULL_TARGET, e.cameo_code)
        for e in document.events
    }


def evaluate_events(
    suite: str = "petrarch",
    nlp: Any = None,
    suite_dir: Path | None = None,
    pattern_sets: Iterable[str] = ("validate", "cameo2"),
    actor_sources: Iterable[str] = ("stage", "phrases"),
    compose_agents: bool = True,
) -> EvalReport:
    """Run the PETRARCH validation suite.

    `actor_sources`: ``stage`` is dateline's ActorStage over
    `ActorKnowledge.from_phoenix` (the suite's actor and agent files);
    ``phrases`` is a plain longest-match over the same actor file, which does
    not move when the actors stage changes (the CI floor uses it). With
    `compose_agents` an agent pass joins agent nouns to actors either way.
    Metrics ``petrarch.*`` are for the first combination (ActorStage, the
    suite's verbs); ``petrarch.<actors>.<verbs>.*`` for every combination.
    """
    if suite != "petrarch":
        raise ValueError(f"unknown suite {suite!r}; the events suite is 'petrarch'")
    from dateline.events import EventStage
    from dateline.nlp import NlpStage, load_model

    directory = suite_dir or SUITE_DIR
    records, skipped = read_suite(directory / "PETR.UnitTest.records.xml")
    model = nlp if nlp is not None else load_model()
    documents = [Document(article=Article(id=r.id, date=r.date, text=r.text)) for r in records]
    NlpStage(model).process(documents)
    patterns = _pattern_sets(directory, pattern_sets)
    report = EvalReport(title="PETRARCH validation suite (events)")
    first = True
    for actors in actor_sources:
        if actors == "stage":
            actor_stage, label = _actor_stage(directory)
        elif actors == "phrases":
            actor_stage, label = (
                _PhraseActors(directory / "PETR.Validate.actors.txt"),
                "phrases",
            )
        else:
            raise ValueError(f"unknown actor source {actors!r}; use 'stage' or 'phrases'")
        actor_stage.process(documents)
        if compose_agents:
            _AgentComposer(directory / "PETR.Validate.agents.txt").process(documents)
            label += "+agents"
        for name, pattern_set in patterns.items():
            # the suite follows PETRARCH's convention: a pair [042:043] is two events
            stage = EventStage(patterns=pattern_set, paired_reverse=True, code_statements=True)
            tp = fp = fn = exact = 0
            for record, document in zip(records, documents, strict=True):
                document.timexes, document.places = (), ()
                stage.process([document])
                coded = _triples(document)
                tp += len(coded & record.gold)
                fp += len(coded - record.gold)
                fn += len(record.gold - coded)
                if coded == record.gold:
                    exact += 1
                elif first:
                    report.details.append(
                        f"{record.id}: gold {sorted(record.gold)} coded {sorted(coded)}"
                    )
            precision, recall, f1 = prf(tp, fp, fn)
            accuracy = exact / len(records) if records else 0.0
            figures = {
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "exact": round(accuracy, 4),
            }
            prefixes = [f"petrarch.{actors}.{name}"] + (["petrarch"] if first else [])
            for prefix in prefixes:
                report.metrics.update({f"{prefix}.{key}": value for key, value in figures.items()})
            report.rows.append(
                {
                    "actors": label,
                    "verbs": name,
                    "records": len(records),
                    "skipped": skipped,
                    "tp": tp,
                    "fp": fp,
                    "fn": fn,
                    "precision": round(precision, 3),
                    "recall": round(recall, 3),
                    "f1": round(f1, 3),
                    "exact": round(accuracy, 3),
                }
            )
            first = False
    return report
