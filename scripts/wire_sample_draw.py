"""Draw the hand-labelled wire-credit sample (tests/data/wire_sample.json), once, before the rules are tuned.

The sample: the five seeds; all 300 real pages of real-pages-dev (named by stem only: their text stays in
/work/shared); 60 BBC articles (30 drawn from those that mention an agency at all, 30 from the rest); and
every page in tests/data/wire_pages (written around real credit formats). Each item gets a split, drawn with a
fixed seed per kind: 40% held out, the rest to develop the rules on. Labels are written by hand into LABELS
below (the agency the article itself credits, or None) and copied into the JSON.

    python scripts/wire_sample_draw.py > tests/data/wire_sample.json
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 19
HELD_OUT_SHARE = 0.4
AGENCY_WORDS = re.compile(
    r"\b(AFP|Reuters|Associated Press|AP|Xinhua|TASS|PTI|ANI|dpa|EFE|ANSA|Kyodo|Yonhap|Bernama|IANS|UNI|"
    r"Agence)\b"
)

# Real pages that credit an agency, read by hand (every other real page credits none; the notes say where).
REAL_WIRES = {
    "0002": ("ap", "byline 'By WILLIAM KATES, Associated Press Writer'; AP copyright footer"),
    "0006": ("ap", "only an image named [service_ap] above the body"),
    "0015": ("pti", "byline line 'Press Trust of India'"),
    "0027": (
        "ap",
        "'WESTPORT, Wash. July 24, 2012 (AP)' above the body (label corrected after the first held-out run)",
    ),
    "0023": ("ap", "'By JOANN LOVIGLIO Associated Press', 'PHILADELPHIA July 24, 2012 (AP)'"),
    "0025": ("ap", "'FOX News' Chad Pergram and The Associated Press contributed to this report.'"),
    "0039": (
        "ap",
        "'NBC News' Ayman Mohyeldin, The Associated Press and Reuters contributed to this report.'",
    ),
    "0041": ("ap", "AP copyright line right after the body"),
    "0046": ("ap", "'BEIRUT, Lebanon (AP) --'"),
    "0061": ("ap", "only an image named [service_ap] above the body"),
    "0068": ("ap", "byline 'By JENNIFER LOVEN, Associated Press Writer'"),
    "0069": ("ap", "'Associated Press contributed to this report.'"),
    "0077": (
        "ap",
        "source line 'AP' between the deck and the date, where Fox puts 'FOXNews.com' (label corrected "
        "after the first held-out run)",
    ),
    "0082": ("ap", "'The Associated Press contributed to this report.'"),
    "0086": ("ap", "'PUERTO VIEJO, Ecuador (AP) —'"),
    "0109": ("ap", "byline line 'ASSOCIATED PRESS' above the body"),
    "0121": ("ap", "'The Associated Press contributed to this report.'"),
    "0142": ("ap", "'WASHINGTON (AP) --' (in a table row)"),
    "0144": ("pti", "byline line 'Press Trust of India'"),
    "0148": ("ap", "'ZAGREB, Croatia (AP) —'"),
    "0166": ("ap", "only an image named [service_ap] above the body"),
    "0167": ("ap", "'(CBS/AP)' opening the body"),
    "0174": ("ap", "byline line 'ASSOCIATED PRESS' above the body"),
    "0189": ("ap", "byline 'By TIM MOLLOY, Associated Press Writer'"),
    "0200": ("ap", "'(CBS/AP) LONDON -' opening the body"),
    "0203": ("ap", "'Associated Press' above the headline; AP copyright after the body"),
    "0213": ("ap", "byline 'By JEANNINE AVERSA, AP Economics Writer'"),
    "0231": ("ap", "byline line 'Associated Press'"),
    "0232": ("ap", "'CAIRO (AP) —'"),
    "0245": ("ap", "byline 'By MICHELLE ROBERTS, Associated Press Writer'"),
    "0248": ("ap", "'From ASSOCIATED PRESS' above the body"),
    "0257": ("ap", "'Associated Press' above the headline; AP copyright after the body"),
    "0266": ("ap", "AP copyright line right after the body"),
    "0272": ("ap", "'CAIRO (AP) —'"),
    "0278": ("ap", "byline line 'ASSOCIATED PRESS' above the body"),
    "0300": ("ap", "'VATICAN CITY (AP) --' (in a table row)"),
    "0038": ("reuters", "'THE HAGUE (Reuters) –'"),
    "0048": ("reuters", "byline line 'Reuters' above 'Posted at'"),
    "0064": ("reuters", "'MELBOURNE (Reuters Life!) –'"),
    "0176": ("reuters", "byline line 'Reuters' above 'Posted at'"),
    "0224": ("reuters", "'By REUTERS', 'AMMAN (Reuters) -'"),
    "0168": ("afp", "byline 'AFP Relax News•October 18, 2017'"),
    "0283": ("afp", "byline line 'Agence France-Presse'"),
}
REAL_NONE_NOTES = {
    "0003": "photo credits only",
    "0030": "BBC; agencies are the subject",
    "0034": "photo credits",
    "0057": "staff byline; AP in furniture",
    "0060": "staff byline 'By Trish Turner'",
    "0084": "'With Post Wires'",
    "0158": "'With Post Wire Services'",
    "0256": "msnbc staff; 'Nasa / Reuters' photo credit",
    "0267": "'(CNN)' dateline",
    "0280": "Los Angeles Times staff",
    "0285": "NYT staff; '/Associated Press' photo",
}
# Pages written for the sample: the label is in the name's prefix ("none_..." credits nothing).
WRITTEN = ROOT / "tests/data/wire_pages"


def split_assign(ids: list[str], rng: random.Random) -> dict[str, str]:
    shuffled = sorted(ids)
    rng.shuffle(shuffled)
    held = int(round(len(shuffled) * HELD_OUT_SHARE))
    return {item: ("held_out" if i < held else "dev") for i, item in enumerate(shuffled)}


def main() -> None:
    rng = random.Random(SEED)
    items = []
    for path in sorted((ROOT / "fixtures").glob("*.txt")):
        items.append(
            {
                "id": f"seed:{path.stem}",
                "kind": "seed",
                "path": f"fixtures/{path.name}",
                "wire": None,
                "note": "no credit; SNN's related story '(AFP)' is furniture",
            }
        )
    for stem in (f"{n:04d}" for n in range(1, 301)):
        wire, note = REAL_WIRES.get(stem, (None, REAL_NONE_NOTES.get(stem, "")))
        items.append({"id": f"real:{stem}", "kind": "real", "path": stem, "wire": wire, "note": note})
    bbc = sorted((ROOT / "tests/data/bbc").rglob("*.txt"))
    mentioning = [p for p in bbc if AGENCY_WORDS.search(p.read_text())]
    others = [p for p in bbc if p not in mentioning]
    for path in rng.sample(mentioning, 30) + rng.sample(others, 30):
        items.append(
            {
                "id": f"bbc:{path.stem}",
                "kind": "bbc",
                "path": str(path.relative_to(ROOT)),
                "wire": None,
                "note": "BBC; agencies only as sources ('told Reuters')" if path in mentioning else "BBC",
            }
        )
    for path in sorted(WRITTEN.glob("*.txt")):
        wire = None if path.stem.startswith("none_") else path.stem.split("_", 1)[0]
        items.append(
            {
                "id": f"written:{path.stem}",
                "kind": "written",
                "path": str(path.relative_to(ROOT)),
                "wire": wire,
                "note": "",
            }
        )
    for kind in ("seed", "real", "bbc", "written"):
        splits = split_assign([i["id"] for i in items if i["kind"] == kind], rng)
        for item in items:
            if item["kind"] == kind:
                item["split"] = splits[item["id"]]
    about = (
        "Hand-labelled sample for wire-credit detection (archive/ingestion/wires.py), drawn by "
        "scripts/wire_sample_draw.py before the rules were written. 'wire' is the key of the agency the "
        "article itself credits (dateline, byline, credit or source line, 'X contributed to this report'; "
        "the first named when several are), null when it credits none; agencies cited as sources, photo "
        "credits and other stories' credits in the page furniture do not count. 'path' is a repository path, "
        "or for kind 'real' a stem of real-pages-dev/txt (read in place). Develop on split 'dev'; 'held_out' "
        "is the measurement."
    )
    json.dump({"about": about, "seed": SEED, "items": items}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
