"""Split a labelled corpus of real responses into body-disjoint train and test sets.

    python bench/split_corpus.py CORPUS_DIR OUT_DIR [--test-share 0.34]

CORPUS_DIR holds labelling batches, each `BATCH/{texts,labels}/<id>.*` with a `BATCH/SOURCES.tsv`
(id, url, body, title, format, nation, law). A body goes wholly to one side, chosen by a hash of its
normalised name, so the split is stable as batches are added: a body never moves between sides.
OUT_DIR gets `train/` and `test/` (texts and labels, ready for `foidata eval --gold`) and MANIFEST.tsv
(id, batch, split, body, nation, law, format, sha256 of the text, url). The texts stay outside the
repository (they are other people's prose); the manifest says which text each label belongs to.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
from pathlib import Path


def body_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def side_of(body: str, test_share: float) -> str:
    digest = hashlib.sha256(body_key(body).encode("utf-8")).digest()
    return "test" if int.from_bytes(digest[:4], "big") / 2**32 < test_share else "train"


def sources(batch: Path) -> list[list[str]]:
    lines = (batch / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip()]


def split(corpus: Path, out: Path, test_share: float) -> None:
    for side in ("train", "test"):
        shutil.rmtree(out / side, ignore_errors=True)
        (out / side / "texts").mkdir(parents=True)
        (out / side / "labels").mkdir(parents=True)
    manifest = ["id\tbatch\tsplit\tbody\tnation\tlaw\tformat\tsha256\turl"]
    for batch in sorted(p for p in corpus.iterdir() if (p / "SOURCES.tsv").exists()):
        for row in sources(batch):
            doc_id, url, body = row[0], row[1], row[2]
            fmt, nation, law = [*row[4:7], "", "", ""][:3]
            text = batch / "texts" / f"{doc_id}.txt"
            label = batch / "labels" / f"{doc_id}.json"
            if not (text.exists() and label.exists()):
                continue
            side = side_of(body, test_share)
            shutil.copy(text, out / side / "texts" / text.name)
            shutil.copy(label, out / side / "labels" / label.name)
            sha = hashlib.sha256(text.read_bytes()).hexdigest()
            manifest.append("\t".join((doc_id, batch.name, side, body, nation, law, fmt, sha, url)))
    (out / "MANIFEST.tsv").write_text("\n".join(manifest) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--test-share", type=float, default=0.34)
    args = parser.parse_args()
    split(args.corpus, args.out, args.test_share)


if __name__ == "__main__":
    main()
