"""Application servers started for real (gunicorn in a process of its own on a loopback port), for the tests
that go through the production stack or through several hosts."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from stress.harness import free_port

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def gunicorn_serving(
    environment: dict[str, str], *, probe: Callable[[str], object], workers: int = 1
) -> Iterator[str]:
    """gunicorn serving `config.wsgi` with `environment`, once `probe(url)` of a page stops raising OSError
    (within a minute); its base URL. Stopped on leaving."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            probe(base + "/help/search")
            break
        except OSError:
            time.sleep(0.3)
    assert process.poll() is None, process.stdout.read() if process.stdout else ""
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
