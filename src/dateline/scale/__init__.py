"""Scale-out on Dask: the same stages per partition on workers, Parquet shards, one store.

`code_on_dask` reads and rejects here, sends partitions of articles to Dask
workers (each builds the pipeline once), saves each returned Parquet shard in
a work dir and merges it into the store in one transaction. See docs/scale.md.
Dask itself is the optional extra ``dateline[scale]``, imported only when used.
"""

from __future__ import annotations

from dateline.scale.runner import ScaleSummary, code_on_dask, dask_client
from dateline.scale.shards import Shard, WorkDir, documents_from_shard, shard_from_documents

__all__ = [
    "ScaleSummary",
    "Shard",
    "WorkDir",
    "code_on_dask",
    "dask_client",
    "documents_from_shard",
    "shard_from_documents",
]
