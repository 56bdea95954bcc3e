"""The one error every loader raises: ``LoadError(path, reason)`` → ``"PATH: reason"`` on one line."""

from __future__ import annotations

from pathlib import Path


class LoadError(Exception):
    """A file could not be turned into documents. ``str(err)`` is ``"PATH: reason"`` — one readable line."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = " ".join(str(reason).split())  # one line, whatever the cause said
        super().__init__(f"{self.path}: {self.reason}")

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.path, self.reason))
