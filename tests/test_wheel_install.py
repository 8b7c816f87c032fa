"""The built wheel, installed without the source tree, initialises, builds the demo and
serves signed-in pages, styles and translations: nothing a release needs is left out."""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from centricity.kit.i18n import translations
from live_server import free_port

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
ADMIN = "admin@wheel.example"
PASSWORD = "x7-Quartz-Meadow-91"


def _build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of the checkout without compiled catalogs or caches."""
    source = tmp_path / "checkout"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, source / name)
    skip = shutil.ignore_patterns("*.mo", "__pycache__", "*.egg-info")
    shutil.copytree(REPO / "src", source / "src", ignore=skip)
    dist = tmp_path / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation"]
    _run([*pip_wheel, "-q", "-w", str(dist)], cwd=source)
    (wheel,) = dist.glob("centricity-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new virtual environment holding only the wheel; third-party packages come from
    this interpreter's site-packages through a .pth file (whose own .pth files, among them
    the editable install pointing at src/, are not processed)."""
    venv = tmp_path / "fresh"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    dependencies = sysconfig.get_paths()["purelib"]
    (Path(purelib.strip()) / "_project_dependencies.pth").write_text(dependencies + "\n")
    return venv


def _run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command; fail the test with its output if it fails."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _environment(tmp_path: Path) -> dict[str, str]:
    """The caller's environment without Centricity settings or import paths."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CENTRICITY_") and name not in {"PYTHONPATH", "PYTHONHOME"}
    }
    env["CENTRICITY_DATA_DIR"] = str(tmp_path / "data")
    return env


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the installed `centricity serve` did not answer:\n{log.read_text()}")


def _sign_in(client: httpx.Client) -> None:
    form = client.get("/login")
    assert form.status_code == 200, form.text
    assert "centricity_login_csrf" in client.cookies
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    answer = client.post(
        "/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303, answer.text


def test_the_installed_wheel_initialises_builds_the_demo_and_serves_pages(
    tmp_path: Path,
) -> None:
    venv = _fresh_venv(tmp_path, _build_wheel(tmp_path))
    python, centricity = str(venv / "bin" / "python"), str(venv / "bin" / "centricity")
    env = _environment(tmp_path)
    work = tmp_path / "elsewhere"  # outside the repository, so src/ is never on the path
    work.mkdir()

    imported = _run([python, "-c", "import centricity; print(centricity.__file__)"], work, env)
    location = Path(imported.strip())
    assert location.is_relative_to(venv), location
    assert not location.is_relative_to(REPO), location

    init = [centricity, "init", "--admin-email", ADMIN, "--admin-password", PASSWORD]
    _run(init, work, env)
    assert (tmp_path / "data" / "secret_key").is_file()
    demo = _run([centricity, "demo", "--no-serve", "--customers", "50"], work, env)
    assert "Demo workspace" in demo and "Log in as" in demo, demo

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    serve_env = {**env, "CENTRICITY_ENVIRONMENT": "development"}
    with log.open("w") as output:
        process = subprocess.Popen(
            [centricity, "serve", "--port", str(port)],
            cwd=work,
            env=serve_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(base, process, log)
        with httpx.Client(base_url=base, timeout=30) as client:
            _sign_in(client)
            for path in ("/customers", "/value"):
                page = client.get(path)
                assert page.status_code == 200, f"{path}: {page.status_code}\n{log.read_text()}"
                assert '<html lang="en">' in page.text, page.text
                assert '<link rel="stylesheet" href="/static/app.css">' in page.text
            for asset in ("/static/app.css", "/static/app.js", "/static/vendor/htmx.min.js"):
                answer = client.get(asset)
                assert answer.status_code == 200 and answer.content, asset
        polish = httpx.get(f"{base}/login", headers={"Accept-Language": "pl"}, timeout=30)
        sign_in = translations("pl").gettext("Sign in")
        assert sign_in != "Sign in", "the dev tree has no Polish catalog to compare with"
        assert polish.status_code == 200
        assert '<html lang="pl">' in polish.text
        assert html.escape(sign_in) in polish.text, polish.text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
