"""Real FOI responses kept in public git repositories, scored without keeping copies of them.

    python bench/gitcorpus.py collect BATCH_DIR [BATCH_DIR ...]   # labellers' batches -> bench/gitcorpus/
    python bench/gitcorpus.py eval [--split test] [--by-format] [--renderings] [--mirrors /work/.mirror]
    python bench/gitcorpus.py show ID | OWNER/NAME COMMIT PATH    # a document's text, for labellers

The documents (response letters, emails, attachments) belong to the repositories that published them;
this project keeps only labels and a manifest naming each one by repository, commit, path and SHA-256.
`eval` reads every document from a git mirror of its repository (as the search tool's `fetch` brings
them: MIRRORS/OWNER+NAME/repo), checks the hash, writes it to a temporary gold folder, scores it with
`foidata eval`'s scorer and deletes the folder. Rows whose repository is `shared` are read in place from the
owner's `../shared/` folder. A body is wholly train or wholly test, by the same hash
of its name as `bench/split_corpus.py`, so the split agrees with the search-page corpus; a test body whose
documents were studied after their first run is listed in RETIRED.tsv and counts as train from then on.
`--renderings` also scores each document's text (as foidata reads it) rendered as .txt, HTML and PDF
(`bench/render.py`): the same labels should come out of every rendering.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render import to_html, to_pdf
from split_corpus import side_of
from wdtk_json import thread_html

from foidata.flows.evaluate import evaluate, find_text, format_report
from foidata.flows.pipeline import process_bytes

HERE = Path(__file__).resolve().parent / "gitcorpus"
# Rows whose repo is "shared" are files of the project owner's shared folder, beside the checkout.
SHARED = Path(__file__).resolve().parents[2] / "shared"
COLUMNS = ("id", "batch", "split", "body", "nation", "law", "format", "repo", "commit", "path", "sha256")


def retired_bodies() -> set[str]:
    """Test bodies whose documents were studied after their first run (RETIRED.tsv: body, date, why): from then
    on they are training data, so they stay on the train side whatever their hash says."""
    path = HERE / "RETIRED.tsv"
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[0] for line in lines[1:] if line.strip()}


def split_of(body: str, test_share: float, retired: set[str]) -> str:
    return "train" if body in retired else side_of(body, test_share)


def read_manifest() -> list[dict[str, str]]:
    with open(HERE / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def collect(batches: list[Path], test_share: float) -> None:
    rows = {r["id"]: r for r in read_manifest()} if (HERE / "MANIFEST.tsv").exists() else {}
    retired = retired_bodies()
    for row in rows.values():
        if row["body"] in retired:
            row["split"] = "train"
    (HERE / "labels").mkdir(parents=True, exist_ok=True)
    for batch in batches:
        with open(batch / "SOURCES.tsv", encoding="utf-8", newline="") as f:
            for line in csv.reader(f, delimiter="\t"):
                if len(line) < 10 or not (batch / "labels" / f"{line[0]}.json").exists():
                    continue
                doc_id, repo, commit, path, sha, body, _title, fmt, nation, law = (c.strip() for c in line[:10])
                if repo == "shared" and not path.startswith("corpus/"):
                    path = f"corpus/pdfs/{path}"  # the owner's shared folder, read in place
                rows[doc_id] = dict(
                    id=doc_id, batch=batch.name, split=split_of(body, test_share, retired), body=body, nation=nation,
                    law=law, format=fmt, repo=repo, commit=commit, path=path, sha256=sha,
                )
                shutil.copy(batch / "labels" / f"{doc_id}.json", HERE / "labels" / f"{doc_id}.json")
    with open(HERE / "MANIFEST.tsv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows.values(), key=lambda r: r["id"]))
    print(f"{len(rows)} documents in {HERE / 'MANIFEST.tsv'}")


def blob(mirrors: Path, repo: str, commit: str, path: str) -> bytes:
    if repo == "shared":
        try:
            return (SHARED / path).read_bytes()
        except OSError as exc:
            raise LookupError(f"shared/{path}: {exc.strerror}") from exc
    git_dir = mirrors / repo.replace("/", "+", 1) / "repo"
    if (git_dir / ".git").is_dir():
        git_dir = git_dir / ".git"  # some snapshots arrive as a clone with a work tree, not a bare directory
    done = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "blob", f"{commit}:{path}"], capture_output=True, check=False
    )
    if done.returncode:
        raise LookupError(f"{repo}@{commit[:10]}:{path}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def as_read(fmt: str, path: str, data: bytes, body: str) -> tuple[str, bytes]:
    """The file name and bytes foidata reads for a document: a WhatDoTheyKnow thread kept as JSON is read
    as its page would be."""
    if fmt == "wdtk-json":
        return Path(path).with_suffix(".html").name, thread_html(data, body).encode("utf-8")
    return Path(path).name, data


def materialize(rows: list[dict[str, str]], mirrors: Path, out: Path) -> list[str]:
    """Write each row's document and label into out/{texts,labels}; the problems, one line each."""
    (out / "texts").mkdir(parents=True)
    (out / "labels").mkdir()
    problems = []
    for row in rows:
        try:
            data = blob(mirrors, row["repo"], row["commit"], row["path"])
        except LookupError as exc:
            problems.append(f"{row['id']}: {exc}")
            continue
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            problems.append(f"{row['id']}: SHA-256 differs from the manifest")
            continue
        name, data = as_read(row["format"], row["path"], data, row["body"])
        (out / "texts" / f"{row['id']}{Path(name).suffix.lower() or '.txt'}").write_bytes(data)
        shutil.copy(HERE / "labels" / f"{row['id']}.json", out / "labels" / f"{row['id']}.json")
    return problems


def document_text(name: str, data: bytes) -> str:
    """A document's text as foidata reads it, so labellers label what the extractors see."""
    processed = process_bytes(name, data, run_id="show")
    if processed.document is None:
        return f"foidata could not read {name}: {processed.reason}"
    return processed.document.text


def show(where: list[str], mirrors: Path) -> None:
    """Print one document's text to stdout and write nothing: the corpus keeps no copies."""
    if len(where) == 1:
        row = next((r for r in read_manifest() if r["id"] == where[0]), None)
        if row is None:
            raise SystemExit(f"no document {where[0]!r} in the manifest")
        repo, commit, path, fmt, body = row["repo"], row["commit"], row["path"], row["format"], row["body"]
    elif len(where) == 3:
        (repo, commit, path), body = where, ""
        fmt = "wdtk-json" if path.endswith(".json") else ""
    else:
        raise SystemExit("show takes a manifest id, or a repository, a commit and a path")
    print(document_text(*as_read(fmt, path, blob(mirrors, repo, commit, path), body)))


def rendered(gold: Path, kind: str) -> Path:
    """gold's documents as foidata reads their text, written again as .txt, .html or .pdf."""
    out = gold.parent / kind
    (out / "texts").mkdir(parents=True)
    shutil.copytree(gold / "labels", out / "labels")
    for label in sorted((gold / "labels").glob("*.json")):
        source = find_text(gold / "texts", label.stem)
        processed = process_bytes(str(source), source.read_bytes(), run_id="render") if source else None
        if processed is None or processed.document is None:
            continue
        text = processed.document.text
        target = out / "texts" / f"{label.stem}.{kind}"
        if kind == "txt":
            target.write_text(text, encoding="utf-8")
        elif kind == "html":
            target.write_text(to_html(text), encoding="utf-8")
        else:
            target.write_bytes(to_pdf(text))
    return out


def score(
    rows: list[dict[str, str]], mirrors: Path, as_json: bool, heading: str, mistakes: bool = False,
    renderings: bool = False,
) -> None:
    with tempfile.TemporaryDirectory(prefix="foidata-gitcorpus-") as tmp:
        gold = Path(tmp) / "gold"
        for problem in materialize(rows, mirrors, gold):
            print("skipped", problem, file=sys.stderr)
        reports = [("original files", evaluate(gold))]
        if renderings:
            reports += [(f"rendered as {kind}", evaluate(rendered(gold, kind))) for kind in ("txt", "html", "pdf")]
    bodies = len({r["body"] for r in rows})
    for name, report in reports:
        print(f"== {heading}, {name}: {report.documents} documents, {bodies} bodies")
        print(json.dumps(report.as_dict(), indent=2) if as_json else format_report(report, show_mistakes=mistakes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    col = sub.add_parser("collect")
    col.add_argument("batches", nargs="+", type=Path)
    col.add_argument("--test-share", type=float, default=0.34)
    sh = sub.add_parser("show")
    sh.add_argument("where", nargs="+", help="a manifest id, or OWNER/NAME COMMIT PATH")
    sh.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ev = sub.add_parser("eval")
    ev.add_argument("--split", choices=("train", "test", "all"), default="test")
    ev.add_argument("--by-format", action="store_true", help="score each original format on its own too")
    ev.add_argument("--batch", action="append", help="only these labelling batches (repeatable)")
    ev.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--mistakes", action="store_true", help="list every field a document got wrong")
    ev.add_argument("--renderings", action="store_true", help="also score the text rendered as txt, HTML and PDF")
    args = parser.parse_args()
    if args.command == "collect":
        collect(args.batches, args.test_share)
        return
    if args.command == "show":
        show(args.where, args.mirrors)
        return
    rows = [
        r for r in read_manifest() if args.split in ("all", r["split"]) and (not args.batch or r["batch"] in args.batch)
    ]
    score(rows, args.mirrors, args.json, f"{args.split} split", args.mistakes, args.renderings)
    if args.by_format:
        groups: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in rows:
            groups[row["format"]].append(row)
        for fmt, group in sorted(groups.items()):
            score(group, args.mirrors, args.json, f"{args.split} split, {fmt}")


if __name__ == "__main__":
    main()
