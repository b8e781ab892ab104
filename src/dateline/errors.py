"""Coded errors. Each message says what went wrong and what to do about it."""

from __future__ import annotations

__all__ = [
    "DatelineError",
    "EvalDataError",
    "ModelNotInstalledError",
    "PipelineOrderError",
    "RuleDataError",
]


class DatelineError(Exception):
    """Base class; `code` is a stable identifier users can search for."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")


class PipelineOrderError(DatelineError):
    code = "E001"


class RuleDataError(DatelineError):
    """A rule or knowledge file failed validation on load."""

    code = "E002"


class ModelNotInstalledError(DatelineError):
    code = "E003"


class IngestError(DatelineError):
    code = "E004"


class StoreError(DatelineError):
    code = "E005"


class EvalDataError(DatelineError):
    """A gold file or folder given to an evaluation command cannot be read."""

    code = "E006"


class ScaleError(DatelineError):
    """A Dask run cannot start or a worker's result cannot be used."""

    code = "E007"
