"""Datasets on object storage and the ingest flow on a Dask cluster, all on this machine: moto's S3 server on
127.0.0.1 stands in for S3, a Dask LocalCluster for a cluster, and a started Prefect server for the API the
Dask workers report to. Done when every table is the same, row for row, as the local runner's."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from sites import serve
from sites.police_site import build_site, make_items

from foidata.cli import cli
from foidata.cli.ingest import sample_texts
from foidata.flows import run_ingest
from foidata.output import DatasetError, DatasetNotFound, commit, connect, known_documents, open_dataset, read_table
from foidata.output.dataset import tables as dataset_module
from foidata.schemas import TABLES, ErrorRecord

BUCKET = "foidata-test"
WHEN = {"run_id", "ingested_at", "occurred_at"}  # differ between any two runs by design
SERVER_START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 with one bucket; the AWS variables point s3fs (and Dask workers) at it."""
    moto_server = pytest.importorskip("moto.server")
    s3fs = pytest.importorskip("s3fs")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        s3fs.S3FileSystem.clear_instance_cache()  # a cached client would keep another endpoint
        s3fs.S3FileSystem().mkdir(BUCKET)
        try:
            yield f"s3://{BUCKET}"
        finally:
            s3fs.S3FileSystem.clear_instance_cache()
            server.stop()


def s3_keys(prefix: str) -> list[str]:
    import s3fs

    fs = s3fs.S3FileSystem()
    fs.invalidate_cache()
    return [key.removeprefix(f"{BUCKET}/") for key in fs.find(prefix)]


def rows(out: str | Path, table: str) -> list[dict[str, Any]]:
    data = read_table(out, table)
    return data.drop_columns([c for c in data.column_names if c in WHEN]).to_pylist()


def assert_same_dataset(one: str | Path, two: str | Path) -> None:
    assert open_dataset(one).manifest.tables == open_dataset(two).manifest.tables
    for table in TABLES:
        assert rows(one, table) == rows(two, table), table


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the bundled sample corpus, free to change."""
    return Path(shutil.copytree(sample_texts(), tmp_path / "corpus"))


def test_a_dataset_on_s3_is_the_local_dataset_row_for_row(corpus: Path, tmp_path: Path, s3: str) -> None:
    local, remote = tmp_path / "local", f"{s3}/data"
    run_ingest([str(corpus)], str(local), batch_size=4)
    # Batches staged on S3 (one process: a process pool started by an earlier test would not have the AWS
    # variables; the Dask test has worker processes staging on S3), merged from there by the commit.
    first = run_ingest([str(corpus)], remote, batch_size=4)
    assert first.version_written and first.processed == 13 and first.failed == 0
    assert_same_dataset(local, remote)
    keys = s3_keys(remote)
    assert "data/CURRENT" in keys and not [k for k in keys if "/.staging/" in k]  # staged parts removed

    again = run_ingest([str(corpus)], remote, batch_size=4)
    assert not again.version_written and again.skipped_unchanged == 13
    assert s3_keys(remote) == keys  # not one object written

    (corpus / "s008.txt").write_text("Our Ref: 3502_13\nChanged: the budget was £7m in 2023/24.", encoding="utf-8")
    run_ingest([str(corpus)], str(local), batch_size=4)
    changed = run_ingest([str(corpus)], remote, batch_size=4)
    assert changed.version_written and changed.processed == 1
    assert_same_dataset(local, remote)
    money = connect(remote).execute(
        "SELECT amount FROM money WHERE source LIKE '%s008.txt'"
    ).fetchall()
    assert [float(amount) for (amount,) in money] == [7_000_000.0]
    assert len(known_documents(remote)) == 13
    assert open_dataset(remote).manifest.previous_run_id == first.run_id


def test_old_versions_are_pruned_and_mistakes_are_named_on_s3(s3: str, monkeypatch: pytest.MonkeyPatch) -> None:
    remote = f"{s3}/pruned"
    with pytest.raises(DatasetNotFound, match="no dataset"):
        open_dataset(remote)
    for n in range(1, 5):
        commit(remote, {}, set(), f"r{n}")
    versions = sorted({key.split("/")[2] for key in s3_keys(f"{remote}/versions")})
    assert versions == ["r2", "r3", "r4"]  # the current one and the two before it
    assert open_dataset(remote).run_id == "r4"
    with pytest.raises(DatasetError, match="already exists"):
        commit(remote, {}, set(), "r4")

    import s3fs

    real_write = dataset_module.write_merged

    def another_writer_commits_meanwhile(path: str, table: str, *args: Any) -> None:
        s3fs.S3FileSystem().pipe_file(f"{BUCKET}/pruned/CURRENT", b"r3")
        real_write(path, table, *args)

    monkeypatch.setattr(dataset_module, "write_merged", another_writer_commits_meanwhile)
    with pytest.raises(DatasetError, match="another foidata run made r3 current"):
        commit(remote, {}, set(), "r5")
    assert open_dataset(remote).run_id == "r3"  # the other writer's version stays current
    with pytest.raises(DatasetError, match="no table"):
        read_table(remote, "nonsense")
    from foidata.output.staging import STALE_SECONDS, Staging, remove_stale_staging

    Staging(remote, "crashed-run").write({"errors": [ErrorRecord(
        source="a.txt", content_sha256=None, stage="read", error_type="empty", reason="empty",
        extractor_version="0", occurred_at=dt.datetime.now(dt.UTC), run_id="crashed-run",
    )]}, "batch-000000")
    remove_stale_staging(remote)
    assert [k for k in s3_keys(remote) if "/.staging/crashed-run/" in k]  # a run may still be going: kept
    remove_stale_staging(remote, now=time.time() + STALE_SECONDS + 60)
    assert not [k for k in s3_keys(remote) if "/.staging/" in k]
    if not _installed("gcsfs"):
        with pytest.raises(DatasetError, match="gcsfs"):
            open_dataset("gs://bucket/data")


def test_a_scrape_keeps_its_raw_cache_and_state_on_s3(httpserver: HTTPServer, s3: str) -> None:
    from foidata.flows.fetch import FetchSettings
    from foidata.flows.scrape import ScrapeOptions, run_scrape
    from foidata.flows.sources import PoliceSource

    site, _ = build_site(make_items(4, pdf_every=2))
    base = serve(httpserver, site)
    remote = f"{s3}/scraped"
    options = ScrapeOptions(settings=FetchSettings(rate_per_host=50.0))
    first = run_scrape(PoliceSource("essex", base_url=base), remote, options)
    assert first.version_written and first.failed == 0 and first.processed == 6  # 4 pages, 2 PDFs
    keys = s3_keys(remote)
    assert len([k for k in keys if k.startswith("scraped/raw/")]) == first.requests  # every file fetched
    assert "scraped/state/police_essex.json" in keys

    again = run_scrape(PoliceSource("essex", base_url=base), remote, options)
    assert not again.version_written and again.skipped_unchanged == 6
    assert again.not_modified == again.requests  # every one answered 304: the bytes came from the raw cache
    assert len(read_table(remote, "responses")) == 6


def test_the_dask_runner_refuses_what_cannot_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from foidata.flows.distributed import RunnerError, check_dask_run, is_this_machine

    invoke = CliRunner().invoke
    corpus, out = str(sample_texts()), str(tmp_path / "data")
    no_api = invoke(cli, ["ingest", corpus, "--out", out, "--runner", "dask", "--dask-address", "tcp://127.0.0.1:1"])
    assert no_api.exit_code == 1 and "needs a started Prefect server" in no_api.output
    assert len(no_api.output.strip().splitlines()) == 1
    assert invoke(cli, ["ingest", corpus, "--out", out, "--runner", "dask"]).exit_code == 2
    assert invoke(cli, ["ingest", corpus, "--out", out, "--dask-address", "tcp://127.0.0.1:1"]).exit_code == 2

    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:1/api"}):
        with pytest.raises(RunnerError, match="--shared-out"):
            check_dask_run(out, "tcp://192.0.2.10:8786", shared_out=False)  # another machine, a local folder
        check_dask_run(out, "tcp://192.0.2.10:8786", shared_out=True)
        check_dask_run("s3://bucket/data", "tcp://192.0.2.10:8786", shared_out=False)
        check_dask_run(out, "tcp://127.0.0.1:8786", shared_out=False)  # a cluster on this machine
    assert is_this_machine("tcp://localhost:8786") and not is_this_machine("tls://192.0.2.10:8786")


# ---- the flow on a Dask LocalCluster -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A started `prefect server` on 127.0.0.1 with its own home: Dask workers cannot use the ephemeral API."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_UI_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "wb")  # noqa: SIM115 - closed below, after the server stops
    prefect = Path(sys.executable).with_name("prefect")
    server = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        if not _wait_healthy(url, server, SERVER_START_SECONDS):
            tail = (home / "server.log").read_text(errors="replace")[-500:]
            pytest.skip(f"prefect server did not answer within {SERVER_START_SECONDS} s: {tail}")
        yield url
    finally:
        with _suppress_lookup():
            os.killpg(server.pid, signal.SIGTERM)  # the server's group: it runs its API in a child process
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with _suppress_lookup():
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


@pytest.mark.slow
def test_the_flow_on_a_dask_cluster_writes_the_local_runners_rows_to_s3(
    corpus: Path, tmp_path: Path, s3: str, prefect_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dask
    from distributed import Client, LocalCluster, get_task_stream
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # Set before the cluster starts: its worker processes inherit the environment.
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)
    monkeypatch.setenv("DASK_DISTRIBUTED__WORKER__DAEMON", "False")
    local, remote = tmp_path / "local", f"{s3}/dask"
    with (
        temporary_settings({PREFECT_API_URL: prefect_api}),  # this process imported Prefect before the env was set
        dask.config.set({"distributed.worker.daemon": False}),  # workers start the PDF parsers' child processes
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        started = time.monotonic()
        by_local = CliRunner().invoke(cli, ["ingest", str(corpus), "--out", str(local), "--batch-size", "4"])
        assert by_local.exit_code == 0, by_local.output
        on_local = time.monotonic() - started
        with get_task_stream(client) as stream:
            by_dask = CliRunner().invoke(cli, ["ingest", str(corpus), "--out", remote, "--runner", "dask",
                                               "--dask-address", cluster.scheduler_address, "--batch-size", "4"])
        assert by_dask.exit_code == 0, by_dask.output
        workers = set(client.scheduler_info()["workers"])
        print(f"local runner {on_local:.1f} s; Dask LocalCluster {time.monotonic() - started - on_local:.1f} s")

    assert "13 processed, 0 failed" in by_dask.output
    assert_same_dataset(local, remote)
    ran = [task for task in stream.data if str(task.get("key", "")).startswith("process_batch_task-")]
    assert len(ran) == 4 and {task["worker"] for task in ran} <= workers


def _wait_healthy(url: str, server: subprocess.Popen[bytes], seconds: float) -> bool:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def _suppress_lookup() -> Any:
    import contextlib

    return contextlib.suppress(ProcessLookupError)


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
