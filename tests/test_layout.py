"""The package's layout, as issue 21 set it: each stage one folder, and imports only ever go down the stages.

    foidata (the face) > foidata.cli > foidata.flows > foidata.output > foidata.extractors > foidata.schemas

A module may import its own folder and the folders below it, never one above, so no two folders import each
other; and no chain of imports between modules comes back to where it started. Every import counts, also those
inside functions and under TYPE_CHECKING: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("schemas", "extractors", "output", "flows", "cli")  # lowest first


def package_dirs() -> dict[str, Path]:
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    return {name: ROOT / folder for name, folder in mapping.items()}


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    dirs = package_dirs()
    for package, folder in dirs.items():
        for path in folder.rglob("*.py"):
            parts = [*package.split("."), *path.relative_to(folder).with_suffix("").parts]
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            # foidata/ holds only the face and cli/: the other stages come from their own folders
            found.setdefault(name, path)
    return found


def imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from foidata.x import y` imports the module foidata.x.y when there is one, else names of foidata.x
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        yield from (t for t in targets if t in known and t != name)


def stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return len(STAGES)  # the face
    return STAGES.index(parts[1])


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: set(imports(name, path, set(found))) for name, path in found.items()}


def test_the_layout_has_the_stages_and_nothing_else() -> None:
    found = modules()
    assert set(package_dirs()) == {"foidata", *(f"foidata.{s}" for s in STAGES if s != "cli")}
    strays = sorted(m for m in found if len(m.split(".")) > 1 and m.split(".")[1] not in STAGES)
    assert strays == [], f"modules outside the stage folders: {strays}"
    assert all(s in {m.split(".")[1] for m in found if "." in m} for s in STAGES)


def test_every_package_folder_is_installed() -> None:
    """setuptools installs the packages pyproject.toml lists, no more: a new folder left off the list works in
    an editable checkout and is missing from a real install."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {name for name, path in modules().items() if path.name == "__init__.py"}
    assert found == listed


@pytest.mark.parametrize("lower", STAGES)
def test_no_module_imports_a_stage_above_its_own(lower: str) -> None:
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in graph().items()
        if len(module.split(".")) > 1 and module.split(".")[1] == lower
        for target in targets
        if stage(target) > stage(module)
    )
    assert upward == []


def test_no_import_cycle_between_modules() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_sees_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    """The graph is read from the source: an import of foidata.cli from schemas is found as one."""
    source = tmp_path / "m.py"
    source.write_text("from foidata.cli.app import cli\nimport foidata.schemas.records\n", encoding="utf-8")
    known = {"foidata.cli.app", "foidata.schemas.records", "foidata.schemas.m"}
    assert sorted(imports("foidata.schemas.m", source, known)) == ["foidata.cli.app", "foidata.schemas.records"]
    assert stage("foidata.cli.app") > stage("foidata.schemas.m")
