"""Exceptions the library raises; the CLI maps each to an exit code in one place."""

from __future__ import annotations


class CarbonAuditError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1


class UsageError(CarbonAuditError):
    """The caller asked for something that cannot be done (bad option, unknown id)."""

    exit_code = 2


class InputUnreadable(CarbonAuditError):
    """An input file could not be read at all (missing, corrupt, encrypted, too large)."""

    exit_code = 3

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
