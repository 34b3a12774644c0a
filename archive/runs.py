"""Which imports and re-processing runs are going on now, for every process of this archive to see.

A run writes a small status file (`<data dir>/runs/<pid>.json`) while it lasts; a reader keeps the files
whose process is alive, so a run killed with SIGKILL stops counting at once. The search page uses it to
say "an import is in progress" instead of telling the researcher to repair an index that is merely
still being filled.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

WRITE_EVERY_S = 1.0


@dataclass
class RunStatus:
    kind: str  # "import" or "reprocess"
    total: int
    done: int = 0
    pid: int = 0
    started: float = 0.0
    announced: bool = False
    _written: float = 0.0

    def advance(self, done: int) -> None:
        self.done = done
        if self.announced and time.monotonic() - self._written >= WRITE_EVERY_S:
            self._write()

    def _write(self) -> None:
        path = _folder() / f"{self.pid}.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps(
                {
                    "kind": self.kind,
                    "total": self.total,
                    "done": self.done,
                    "pid": self.pid,
                    "started": self.started,
                }
            )
        )
        os.replace(temporary, path)
        self._written = time.monotonic()


def _folder() -> Path:
    folder = Path(settings.ARCHIVE_DATA_DIR) / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def run_announced(status: RunStatus) -> Iterator[RunStatus]:
    """`status` is visible to every process while the block runs (and `advance` keeps it current)."""
    status.pid, status.started, status.announced = os.getpid(), time.time(), True
    status._write()
    try:
        yield status
    finally:
        status.announced = False
        (_folder() / f"{status.pid}.json").unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runs_active() -> list[RunStatus]:
    """The runs going on now (stale files of dead processes are removed on the way)."""
    active = []
    folder = Path(settings.ARCHIVE_DATA_DIR) / "runs"
    for path in folder.glob("*.json") if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if _alive(int(data.get("pid", 0))):
            active.append(
                RunStatus(
                    kind=data["kind"],
                    total=data["total"],
                    done=data["done"],
                    pid=data["pid"],
                    started=data["started"],
                )
            )
        else:
            path.unlink(missing_ok=True)
    return active
