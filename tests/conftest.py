"""Shared fixtures. Tests that load the spaCy model are marked `model`;
tests that read ../shared/data are marked `corpus` and skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "japan_china_2017-04-03.txt"
SEED = SHARED / "seed" / "000_29bea5349ad77031.txt"


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from dateline.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip("../shared/data is not present")
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The fast core first: tests that load the model or read corpora run last."""

    def weight(item: pytest.Item) -> int:
        return (
            ("model" in item.keywords)
            + 2 * ("corpus" in item.keywords)
            + 4 * ("quality" in item.keywords)
        )

    items.sort(key=weight)
