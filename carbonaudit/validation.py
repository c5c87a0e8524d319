"""`carbonaudit validate`: which kind of file this is, and the checker for each kind.

Each kind lives with the room it checks (inventory, factors, cbam, pact) and returns a
`findings.ValidationReport`; this module only lists them and picks one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from carbonaudit.cbam.validation import CbamKind
from carbonaudit.errors import UsageError
from carbonaudit.factors.validation import FactorsKind
from carbonaudit.findings import ValidationReport
from carbonaudit.inventory.validation import ActivityKind
from carbonaudit.pact.validate import PactKind


class Kind(Protocol):
    name: str
    description: str

    def detect(self, path: Path) -> bool: ...

    def validate(self, paths: list[Path], context: dict) -> ValidationReport: ...


KINDS: dict[str, Kind] = {k.name: k for k in (ActivityKind(), FactorsKind(), CbamKind(),
                                             PactKind())}


def choose_kind(name: str, paths: list[Path]) -> Kind:
    """The kind named by --kind, or (auto) the first whose detector accepts every file."""
    if name != "auto":
        if name not in KINDS:
            raise UsageError(f"unknown kind {name!r}; choose one of auto, {', '.join(KINDS)}")
        return KINDS[name]
    order = [KINDS["factors"], *(k for n, k in KINDS.items() if n not in {"factors", "activity"}),
             KINDS["activity"]]
    for kind in order:
        if all(kind.detect(p) for p in paths):
            return kind
    raise UsageError("cannot tell what kind of file this is; pass --kind")
