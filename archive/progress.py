"""How long runs (imports, re-processing, index rebuilds) say what they are doing.

On a terminal a tqdm bar; otherwise (cron, CI, a log file) a plain line every `every` items with the count,
the rate and the time left, so a three-minute import is never silent. The caller's summary line still
comes last.
"""

from __future__ import annotations

import time
from typing import TextIO


class ProgressReport:
    """Call with (done, total) as work advances; `close()` when it ends."""

    def __init__(self, stream: TextIO, *, label: str, every: int = 250, minimum: int = 50) -> None:
        stream = getattr(
            stream, "_out", stream
        )  # a command's OutputWrapper would end every write with a newline
        self.stream, self.label, self.every, self.minimum = stream, label, every, minimum
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.last = 0
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if total < self.minimum:
            return
        if self.tty:
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(
                    total=total,
                    desc=self.label,
                    unit=" files" if self.label == "import" else " articles",
                    file=self.stream,
                )
            self.bar.update(done - self.bar.n)
        elif done - self.last >= self.every or (done == total and done != self.last):
            self.last = done
            elapsed = time.monotonic() - self.started
            rate = done / elapsed if elapsed else 0.0
            left = (total - done) / rate if rate else 0.0
            self.stream.write(f"{self.label}: {done}/{total} ({rate:.1f}/s, about {_duration(left)} left)\n")
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"
