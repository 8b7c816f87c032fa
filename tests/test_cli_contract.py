"""The command-line contract, run as a user would: real processes, a real store, real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from live_server import free_port

CLI = [sys.executable, "-m", "centricity.cli"]
PASSWORD = "first-admin-passphrase"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CENTRICITY_")}
    env["CENTRICITY_DATABASE_URL"] = f"sqlite:///{tmp_path / 'store' / 'c.db'}"
    env["CENTRICITY_DATA_DIR"] = str(tmp_path / "data")
    return env


def _run(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, input=stdin, timeout=120
    )


def test_it_initialises_issues_a_token_and_serves(tmp_path: Path) -> None:
    env = _env(tmp_path)
    first = _run(env, "init", "--admin-email", "Admin@Example.com", "--admin-password", PASSWORD)
    assert first.returncode == 0, first.stderr
    again = _run(env, "init", "--admin-email", "admin@example.com", "--admin-password", PASSWORD)
    assert again.returncode == 0 and "updated" in again.stdout
    assert (tmp_path / "store" / "c.db").exists()
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600
    token = _run(env, "token", "create", "admin@example.com").stdout.strip().splitlines()[-1]
    read_only = _run(env, "token", "create", "admin@example.com", "--read-only")
    ro_token = read_only.stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base)
        created = httpx.post(
            f"{base}/api/v1/customers",
            json={"name": "Erik Lindqvist"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201 and isinstance(created.json()["id"], int)
        refused = httpx.post(
            f"{base}/api/v1/customers",
            json={"name": "No"},
            headers={"Authorization": f"Bearer {ro_token}"},
        )
        assert refused.status_code == 403
        found = httpx.get(
            f"{base}/api/v1/customers",
            params={"q": "lindqvist"},
            headers={"Authorization": f"Bearer {ro_token}"},
        )
        assert found.json()["total"] == 1
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_healthy(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("the server did not become healthy")


def test_it_refuses_a_common_admin_password(tmp_path: Path) -> None:
    result = _run(
        _env(tmp_path), "init", "--admin-email", "a@example.com", "--admin-password", "password123"
    )
    assert result.returncode == 2
    assert "too common" in result.stderr


def test_it_prompts_for_missing_init_flags(tmp_path: Path) -> None:
    answers = f"boss@example.com\n{PASSWORD}\n{PASSWORD}\n"
    result = _run(_env(tmp_path), "init", stdin=answers)
    assert result.returncode == 0, result.stderr
    assert "boss@example.com created" in result.stdout


def test_it_names_an_unknown_user_for_a_token(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _run(env, "init", "--admin-email", "a@example.com", "--admin-password", PASSWORD)
    result = _run(env, "token", "create", "ghost@example.com")
    assert result.returncode == 2 and "ghost@example.com" in result.stderr


def test_it_refuses_to_serve_with_a_weak_secret(tmp_path: Path) -> None:
    env = _env(tmp_path) | {"CENTRICITY_SECRET_KEY": "change-me"}
    result = _run(env, "serve", "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr.startswith("error: CENTRICITY_SECRET_KEY")
    assert "Traceback" not in result.stderr
