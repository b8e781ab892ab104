"""One LocalCluster (two worker processes, one thread each) shared by the Dask tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import distributed
import pytest


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()
