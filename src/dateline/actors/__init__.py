"""Actors: who acts in a story, coded as of the story's date.

- `ActorKnowledge`: countries, organisations, people with dated roles and role
  nouns (`ActorKnowledge.load()` for the package data,
  `ActorKnowledge.from_phoenix(...)` for PETRARCH-format dictionaries).
- `ActorStage`: the pipeline stage (requires spacy_doc and sentences, provides
  mentions).
- `mention_at(document, char)`: the mention whose head token starts at `char`
  (or whose span holds it), for the events stage.
- `mentions_by_head(document)`: every mention keyed by its head offset.
- `group_members(mention)`: the member codes of a ``group`` mention.

See docs/actors.md.
"""

from dateline.actors.engine import (
    ActorStage,
    find_mentions,
    group_members,
    mention_at,
    mentions_by_head,
)
from dateline.actors.knowledge import ActorKnowledge, Agent, Country, Entity, Role, split_code

__all__ = [
    "ActorKnowledge",
    "ActorStage",
    "Agent",
    "Country",
    "Entity",
    "Role",
    "find_mentions",
    "group_members",
    "mention_at",
    "mentions_by_head",
    "split_code",
]
