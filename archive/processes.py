"""Worker processes die with the process that started them, however it dies.

spaCy's `nlp.pipe(n_process=...)` and Whoosh's multi-process writer fork workers that wait on a queue;
when their parent is killed (`kill -9`, the OOM killer) nobody tells them, and they stay alive holding
hundreds of megabytes each. Every process forked from an archive process asks the kernel for SIGKILL
when its parent goes (Linux's PR_SET_PDEATHSIG), and exits at once if the parent is already gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
_parent = {"pid": 0}


def _remember_parent() -> None:
    _parent["pid"] = os.getpid()


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != _parent["pid"]:  # the parent died before the request took effect
        os._exit(1)


def children_die_with_parent() -> None:
    """Install the rule for every later `os.fork()` of this process (multiprocessing forks through it;
    `subprocess` does not, so commands started with it are unaffected)."""
    os.register_at_fork(before=_remember_parent, after_in_child=_die_with_parent)
