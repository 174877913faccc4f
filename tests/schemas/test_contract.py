"""What the schemas room promises the others: one version source, one error base, and a cheap import."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest
from click.testing import CliRunner

from foidata.cli import cli
from foidata.cli.config import ConfigError
from foidata.extractors.readers.errors import ReadError
from foidata.flows.distributed import RunnerError
from foidata.flows.fetch import FetchError, RefusedURL
from foidata.flows.localfiles import RefusedInput
from foidata.output.errors import DatasetError
from foidata.output.export.sqlite import ExportError
from foidata.output.report.topics import TopicError
from foidata.schemas import versions
from foidata.schemas.errors import FoidataError


def test_the_installed_version_is_the_one_in_schemas() -> None:
    assert importlib.metadata.version("foidata") == versions.__version__
    assert versions.__version__ == versions.EXTRACTOR_VERSION


@pytest.mark.parametrize(
    "error",
    [ConfigError, ReadError, RunnerError, FetchError, RefusedURL, RefusedInput, DatasetError, ExportError, TopicError],
)
def test_every_user_error_is_a_foidata_error(error: type[Exception]) -> None:
    assert issubclass(error, FoidataError)


def test_a_foidata_error_reaches_the_user_as_one_line(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["query", "SELECT 1", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_versions_and_errors_import_without_pydantic_or_pyarrow() -> None:
    """The command line reads them before any command runs; `foidata --help` must not pay for pyarrow."""
    code = ("import sys, foidata.schemas.versions, foidata.schemas.errors; "
            "print(sorted(m for m in ('pydantic', 'pyarrow') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_packages_load_their_names_on_first_use() -> None:
    """The face, flows and schemas share one lazy `__getattr__`: importing them costs neither pydantic, pyarrow nor
    Prefect, a name loads its module when first used, and an unknown name is the usual AttributeError."""
    code = ("import sys, foidata, foidata.flows, foidata.schemas; "
            "print(sorted(m for m in ('pydantic', 'pyarrow', 'prefect') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    import foidata
    import foidata.flows
    import foidata.schemas
    from foidata.schemas.records import ResponseRecord

    assert foidata.schemas.ResponseRecord is ResponseRecord and foidata.FoidataError is FoidataError
    assert foidata.flows.run_ingest.__module__ == "foidata.flows.ingest"
    for package in (foidata, foidata.flows, foidata.schemas):
        with pytest.raises(AttributeError, match=rf"module '{package.__name__}' has no attribute 'nothing'"):
            package.nothing  # noqa: B018
