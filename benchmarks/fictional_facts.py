"""Write the fictional-facts benchmark as generic JSONL (loads through the normal ingestion; never train on it).

    python benchmarks/fictional_facts.py --out facts.jsonl                       # 1 document, 10 people x 6 facts
    python benchmarks/fictional_facts.py --out big.jsonl --documents 5 --people 20 --organisations 4 --places 4

Each line: ``id``, ``title``, ``text`` (invented people, organisations and places, varied sentences with pronouns),
``questions`` (multiple choice, phrased unlike the text, three distractors of the same type) and ``facts`` (the
answer key, which ingestion keeps as metadata). Same seed, same file. See ``smt_gui/factbench.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smt_gui.factbench import BenchConfig, write_benchmark


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--documents", type=int, default=1)
    parser.add_argument("--people", type=int, default=10, help="per document")
    parser.add_argument("--facts-per-person", type=int, default=6, help="1-6")
    parser.add_argument("--organisations", type=int, default=0, help="per document")
    parser.add_argument("--places", type=int, default=0, help="per document")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = write_benchmark(args.out, BenchConfig(documents=args.documents, people=args.people,
                                                 organisations=args.organisations, places=args.places,
                                                 facts_per_person=args.facts_per_person, seed=args.seed))
    words = sum(len(r["text"].split()) for r in rows)
    print(f"wrote {args.out}: {len(rows)} document(s), {words} words, {sum(len(r['facts']) for r in rows)} facts, "
          f"{sum(len(r['questions']) for r in rows)} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
