"""Entity extraction throughput against bare spaCy, on the same texts in one run.

    python -m bench.entities [N]

Bare: `nlp.pipe` with the same model and the same disabled components (only tok2vec and ner), one
process. Ours: the archive's pipeline (the same components plus canonicalisation) using both cores.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from archive.ingestion.entities import NER_COMPONENTS, entities_extract, nlp_load  # noqa: E402
from bench.corpus import BBC  # noqa: E402


def bbc_bodies(limit: int | None = None) -> list[str]:
    texts = []
    for path in sorted(BBC.glob("*/*.txt"))[:limit]:
        lines = path.read_text(encoding="utf-8").split("\n")
        texts.append("\n\n".join(line.strip() for line in lines[1:] if line.strip()))
    return texts


def bare_pipe_rate(texts: list[str]) -> float:
    import spacy

    nlp = spacy.load(settings.ARCHIVE_SPACY_MODEL)
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in NER_COMPONENTS])
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32, n_process=1):
        pass
    return len(texts) / (time.perf_counter() - started)


def ours_rate(texts: list[str], *, n_process: int) -> float:
    nlp = nlp_load(settings.ARCHIVE_SPACY_MODEL)
    started = time.perf_counter()
    entities_extract(texts, nlp=nlp, n_process=n_process)
    return len(texts) / (time.perf_counter() - started)


def measure(limit: int | None = None) -> dict:
    texts = bbc_bodies(limit)
    bare = bare_pipe_rate(texts)
    ours = ours_rate(texts, n_process=min(2, os.cpu_count() or 1))
    return {
        "texts": len(texts),
        "bare_nlp_pipe_per_s": round(bare, 1),
        "extraction_per_s": round(ours, 1),
        "ratio_vs_bare": round(ours / bare, 2),
    }


if __name__ == "__main__":
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(json.dumps(result, indent=2))
