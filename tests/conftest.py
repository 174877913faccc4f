"""Shared fixtures: a private Prefect home for the session, and a small corpus of responses on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests_support import LETTER, PAGE, REPLY

from foidata.flows import PREFECT_ENV_DEFAULTS


@pytest.fixture(scope="session", autouse=True)
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Prefect's database and settings in a temporary folder, never ~/.prefect; no server, no telemetry."""
    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PREFECT_HOME", str(home))
        for name, value in PREFECT_ENV_DEFAULTS.items():  # as the command line runs Prefect
            env.setenv(name, value)
        env.delenv("PREFECT_API_URL", raising=False)  # ephemeral mode even if the user runs a server
        env.delenv("PREFECT_PROFILES_PATH", raising=False)
        yield home


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three readable responses (two in a subfolder), plus hidden files that must be skipped."""
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "letter.txt").write_text(LETTER, encoding="utf-8")
    (root / "sub" / "page.html").write_text(PAGE, encoding="utf-8")
    (root / "sub" / "reply.txt").write_text(REPLY, encoding="utf-8")
    (root / ".notes.txt").write_text("hidden: not a response", encoding="utf-8")
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main", encoding="utf-8")
    return root
