"""``python -m kg.corpora stats [--shared DIR]`` and ``python -m kg.corpora export OUT_DIR``.

Export writes derived examples: give it a folder outside the repository (e.g. under /tmp),
since corpus text must never be committed.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator

from kg.corpora import dev, geneva, m2e2, rams, re3d
from kg.corpora.common import LABELS, PairExample, write_jsonl

DEFAULT_SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def sources(shared: Path, stats: dict[str, dev.LocateStats]) -> dict[str, Callable[[], Iterator[PairExample]]]:
    corpora = shared / "corpora"
    stats.setdefault("dev", dev.LocateStats())
    stats.setdefault("seeds", dev.LocateStats())
    return {
        "m2e2": lambda: m2e2.load(corpora / "m2e2"),
        "re3d": lambda: re3d.load(corpora / "re3d"),
        "rams": lambda: rams.load(corpora / "rams"),
        "geneva": lambda: geneva.load(corpora / "geneva"),
        "dev": lambda: dev.load_dev(shared, stats["dev"]),
        "seeds": lambda: dev.load_seeds(shared, stats["seeds"]),
    }


def stats_table(name: str, examples: list[PairExample]) -> str:
    labels = Counter(e.label for e in examples)
    docs = len({e.doc_id for e in examples})
    same = sum(e.same_sentence for e in examples)
    positives = [e for e in examples if e.label != "none"]
    same_pos = sum(e.same_sentence for e in positives)
    cells = " ".join(f"{labels.get(label, 0):>9}" for label in LABELS)
    share = f"{same / len(examples):6.1%}" if examples else "     -"
    share_pos = f"{same_pos / len(positives):9.1%}" if positives else "        -"
    return f"{name:<8} {docs:>5} {cells} {len(examples):>7} {share} {share_pos}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.corpora", description=__doc__)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (default: the checkout's sibling)")
    parser.add_argument("--only", action="append", default=[], help="limit to these corpora (repeatable)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("stats", help="examples per label, documents, same-sentence share")
    export = sub.add_parser("export", help="one JSONL per corpus into OUT_DIR")
    export.add_argument("out_dir", type=Path)
    export.add_argument("--exclude-dev-voa", action="store_true", help="drop the M2E2 documents of the 12 VOA dev articles")
    args = parser.parse_args(argv)

    if not (args.shared / "corpora").is_dir():
        print(f"{args.shared / 'corpora'} is absent", file=sys.stderr)
        return 2
    locate: dict[str, dev.LocateStats] = {}
    readers = sources(args.shared, locate)
    if args.command == "export":
        repo = Path(__file__).resolve().parents[2]
        if args.out_dir.resolve().is_relative_to(repo):
            print("refusing to write corpus-derived data inside the repository", file=sys.stderr)
            return 2
        if args.exclude_dev_voa:
            held_out = set(m2e2.dev_doc_map(args.shared / "eval" / "dev" / "texts"))
            readers["m2e2"] = lambda: m2e2.load(args.shared / "corpora" / "m2e2", held_out)
    names = [n for n in readers if not args.only or n in args.only]
    if args.command == "stats":
        header = " ".join(f"{label:>9}" for label in LABELS)
        print(f"{'corpus':<8} {'docs':>5} {header} {'pairs':>7} {'same%':>6} {'pos-same%':>9}")
    for name in names:
        examples = list(readers[name]())
        if args.command == "stats":
            print(stats_table(name, examples))
        else:
            count = write_jsonl(args.out_dir / f"{name}.jsonl", examples)
            print(f"{name}: {count} examples → {args.out_dir / (name + '.jsonl')}")
    if args.command == "stats":
        overlap = m2e2.dev_doc_map(args.shared / "eval" / "dev" / "texts")
        print(f"\nM2E2 documents that are dev articles (drop when scoring on dev): {len(overlap)}")
        for name, st in sorted(locate.items()):
            if name not in names:
                continue
            print(f"\n{name} gold lines: tier, lines, quote located, located by longest piece only, both args found by aliases")
            for key, lines, located, partly, both in st.rows():
                print(f"  {key:<20} {lines:>5} {located:>5} {partly:>5} {both:>5} ({both / lines:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
