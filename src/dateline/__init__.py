"""dateline: political event data from dated news.

Who did what to whom, when and where, coded in CAMEO and PLOVER, with each
event's date resolved from the text, its modality, place and evidence.

    >>> from dateline import code_articles, read_inputs
    >>> documents = code_articles(a for a in read_inputs(["story.txt"]) if isinstance(a, Article))
"""

from __future__ import annotations

from dateline.pipeline import Pipeline, Stage
from dateline.records import (
    SCHEMA_VERSION,
    ActorMention,
    Article,
    Document,
    Event,
    EventActor,
    EventDate,
    EventLocation,
    Place,
    Reject,
    Sentence,
    Span,
    TimeExpr,
)

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "ActorMention",
    "Article",
    "Document",
    "Event",
    "EventActor",
    "EventDate",
    "EventLocation",
    "Pipeline",
    "Place",
    "Reject",
    "Sentence",
    "Span",
    "Stage",
    "TimeExpr",
    "__version__",
    "build_pipeline",
    "code_articles",
    "code_inputs",
    "code_on_dask",
    "create_app",
    "fuse_store",
    "open_store",
    "read_events",
    "read_inputs",
    "rules_version",
]


def __getattr__(name: str) -> object:
    # Heavy modules (spaCy, DuckDB) load on first use, so `import dateline`
    # and `dateline --version` stay fast.
    if name in {"build_pipeline", "code_articles", "code_inputs"}:
        from dateline import run

        return getattr(run, name)
    if name == "fuse_store":
        from dateline.fuse import fuse_store

        return fuse_store
    if name == "code_on_dask":
        from dateline.scale import code_on_dask

        return code_on_dask
    if name == "create_app":
        from dateline.serve import create_app

        return create_app
    if name == "open_store":
        from dateline.store import open_store

        return open_store
    if name == "read_events":
        from dateline.store.export import read_events

        return read_events
    if name == "read_inputs":
        from dateline.ingest import read_inputs

        return read_inputs
    if name == "rules_version":
        from dateline.rules_version import rules_version

        return rules_version
    raise AttributeError(f"module 'dateline' has no attribute {name!r}")
