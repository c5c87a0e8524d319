"""Exceptions the library raises; the CLI maps each to an exit code in one place.

`from_os_error` turns any OSError (disk full, permission denied, a file where a folder
should be...) into a FileAccessError: one plain line and exit 3, never a traceback.
"""

from __future__ import annotations

import errno
import os


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


class FileAccessError(CarbonAuditError):
    """The operating system refused a file operation (exit 3, like an unreadable input)."""

    exit_code = 3

    def __init__(self, path: str | os.PathLike | None, reason: str,
                 action: str | None = None) -> None:
        shown = "" if path is None else os.fsdecode(path)
        what = f"cannot {action} {shown}" if action else shown
        super().__init__(f"{what}: {reason}" if what else reason)
        self.path = shown
        self.reason = reason


# Plain words for the errors people meet; the system's own text follows in brackets.
_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would be larger than the system allows",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted",
    errno.EROFS: "the file system is read-only",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "something of that name is already there",
    errno.ENOENT: "no such file or folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ELOOP: "too many symbolic links",
    errno.EXDEV: "it is on another file system",
}


def os_reason(exc: OSError) -> str:
    """Why the system refused, in plain words with the system's own text."""
    system = exc.strerror or str(exc) or type(exc).__name__
    plain = _REASONS.get(exc.errno)
    return f"{plain} ({system})" if plain and plain.lower() != system.lower() else system


def from_os_error(exc: OSError, path: str | os.PathLike | None = None,
                  action: str | None = None) -> FileAccessError:
    """The OSError as one line naming the file (path, else the one the system names)."""
    return FileAccessError(path if path is not None else exc.filename, os_reason(exc), action)
