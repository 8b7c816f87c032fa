"""`centricity serve --workers N`: several processes, one scheduler, one login throttle."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from centricity.cli import app as root_cli
from live_server import free_port

PASSWORD = "x7-Quartz-Meadow-91"
ADMIN = "admin@workers.example"


@pytest.fixture()
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment of a fresh SQLite installation in development mode (plain-http cookies)."""
    values = {
        "CENTRICITY_DATA_DIR": str(tmp_path / "data"),
        "CENTRICITY_ENVIRONMENT": "development",
        "CENTRICITY_LOGIN_MAX_FAILURES": "3",
        "CENTRICITY_SCHEDULER_INTERVAL_SECONDS": "0.5",
    }
    for name in ("CENTRICITY_DATABASE_URL", "CENTRICITY_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return {**os.environ, **values}


@pytest.mark.parametrize(
    ("workers", "reason"),
    [("0", "at least 1"), ("-2", "at least 1"), ("5", "SQLite serves at most 4")],
)
def test_it_refuses_a_worker_count_that_cannot_work(
    cli_env: dict[str, str], workers: str, reason: str
) -> None:
    result = CliRunner().invoke(root_cli, ["serve", "--workers", workers])
    assert result.exit_code == 2
    assert reason in result.output


@pytest.fixture()
def served(cli_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Path, int]]:
    """`centricity serve --workers 2` in its own process group; yields (base URL, log,
    process group)."""
    centricity = str(Path(sys.executable).with_name("centricity"))
    init = [centricity, "init", "--admin-email", ADMIN, "--admin-password", PASSWORD]
    subprocess.run(init, env=cli_env, check=True, capture_output=True)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [centricity, "serve", "--port", str(port), "--workers", "2"],
            env=cli_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"serve --workers 2 did not answer:\n{log.read_text()}")
        time.sleep(1.5)  # both workers have started their lifespans
        yield base, log, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _login(base: str, password: str) -> httpx.Response:
    # A new connection per attempt, so attempts reach both workers.
    with httpx.Client(base_url=base) as client:
        form = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        return client.post(
            "/login", data={"email": ADMIN, "password": password, "csrf_token": token.group(1)}
        )


@pytest.mark.slow
def test_two_workers_serve_pages_run_one_scheduler_and_share_the_throttle(
    served: tuple[str, Path, int],
) -> None:
    base, log, group = served
    processes = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True)
    assert len(processes.stdout.split()) >= 3, "a supervisor and two workers"
    signed_in = _login(base, PASSWORD)
    assert signed_in.status_code == 303
    with httpx.Client(base_url=base, cookies=signed_in.cookies) as client:
        page = client.get("/customers")
    assert page.status_code == 200 and "<h1>" in page.text
    answers = [_login(base, "wrong-password").status_code for _ in range(8)]
    assert answers[:3] == [400, 400, 400], answers
    assert set(answers[3:]) == {429}, f"a throttled login got through another worker: {answers}"
    schedulers = re.findall(r"job scheduler runs in this worker \(pid (\d+)\)", log.read_text())
    assert len(schedulers) == 1, log.read_text()
