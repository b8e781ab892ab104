"""Write annotation packets for `evalsets/real/` outside the repo (texts never enter it).

For each story of `evalsets/real/stories.jsonl`, a text file with the story as dateline
ingests it, cut into numbered sentences with their character offsets (spaCy's sentence
boundaries, the same ones the scorer aligns to). Annotators read only these packets and
`../shared/annotation/EVENTS.md`; they never see dateline's code or output.

Usage: python scripts/real_annotation_packets.py OUT_DIR [SPLIT ...]   (default: every split)
"""

from __future__ import annotations

import sys
from pathlib import Path

from dateline.eval.real import SPLITS, load_corpus, packet_name
from dateline.nlp import load_model


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    nlp = load_model()
    for story in load_corpus(splits=tuple(sys.argv[2:]) or SPLITS):
        doc = nlp(story.article.text)
        lines = [
            f"STORY {story.article.id}",
            f"DATE {story.article.date.isoformat()}",
            f"TITLE {story.article.title}",
            "",
        ]
        for index, sent in enumerate(doc.sents):
            lines.append(f"[{index}] ({sent.start_char}-{sent.end_char}) {sent.text.strip()}")
        (out / packet_name(story.article.id)).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
