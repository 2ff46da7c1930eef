"""Write rnnkit/tasks/dna/data/splice.tsv from the UCI file: deduplicated, with a fixed stratified split (never run by CI).

Usage: PYTHONPATH=. python scripts/make_splice_bundle.py ../shared/data/splice/splice.data
"""

import sys

from rnnkit.atomic_files import write_text_atomically
from rnnkit.tasks.dna.bases import BUNDLED, deduplicated, label_counts, read_rows, stratified_split


def main(source: str) -> None:
    rows = read_rows(source)
    kept = stratified_split(deduplicated(rows))
    write_text_atomically(BUNDLED, "".join(f"{r.label}\t{r.name}\t{r.sequence}\t{r.split}\n" for r in kept))
    print(f"{len(rows)} rows -> {len(kept)} after deduplication ({label_counts(kept)})")
    for split in ("train", "val", "test"):
        part = [r for r in kept if r.split == split]
        print(f"  {split}: {len(part)} ({label_counts(part)})")


if __name__ == "__main__":
    main(sys.argv[1])
