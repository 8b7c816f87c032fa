"""Settings: zero-setup defaults, hard refusals, secrets from files, every setting documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from centricity.app import create_app
from centricity.config import Settings, ensure_secret_key_file

DOCS = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CENTRICITY_SECRET_KEY",
        "CENTRICITY_ENVIRONMENT",
        "CENTRICITY_DATABASE_URL",
        "CENTRICITY_SECRET_KEY_FILE",
        "CENTRICITY_DATA_DIR",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("secret", ["", "dev", "change-me", "short-but-not-default"])
def test_it_refuses_to_start_with_a_weak_secret_outside_development(
    tmp_path: Path, secret: str
) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=secret)
    with pytest.raises(ValueError, match="CENTRICITY_SECRET_KEY"):
        create_app(settings)


def test_it_allows_a_dev_secret_in_development(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, environment="development", secret_key="dev", scheduler_enabled=False
    )
    app = create_app(settings)
    assert app.state.settings.secret_key == "dev" and app.state.settings.is_development
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200  # it serves, not just builds
    with pytest.raises(ValueError, match="CENTRICITY_SECRET_KEY"):
        create_app(Settings(data_dir=tmp_path, environment="production", secret_key="dev"))


def test_it_defaults_to_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "store")
    assert settings.database_url == f"sqlite:///{tmp_path / 'store' / 'centricity.db'}"


def test_it_reads_the_secret_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("s" * 40 + "\n")
    monkeypatch.setenv("CENTRICITY_SECRET_KEY_FILE", str(secret_file))
    assert Settings(data_dir=tmp_path).secret_key == "s" * 40


def test_it_writes_a_private_random_secret_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    ensure_secret_key_file(settings)
    path = tmp_path / "secret_key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(settings.secret_key) >= 32
    assert Settings(data_dir=tmp_path).secret_key == settings.secret_key
    settings.check_secure()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CENTRICITY_LOG_LEVEL", "LOUD"),
        ("CENTRICITY_DATABASE_URL", "mysql://x/y"),
        ("CENTRICITY_SESSION_MAX_AGE_SECONDS", "5"),
        ("CENTRICITY_ENVIRONMENT", "staging"),
        ("CENTRICITY_DEFAULT_LANGUAGE", "de"),
        ("CENTRICITY_DEFAULT_LANGUAGE", "cs-CZ"),
        ("CENTRICITY_TIME_ZONE", "Mars/Olympus"),
        ("CENTRICITY_TIME_ZONE", "../../etc/passwd"),
        ("CENTRICITY_VALUE_AS_OF", "yesterday"),
    ],
)
def test_it_names_the_bad_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    field = variable.removeprefix("CENTRICITY_").lower()
    assert field in str(raised.value) or variable in str(raised.value)


def test_it_lists_the_supported_languages_when_refusing_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CENTRICITY_DEFAULT_LANGUAGE", "de")
    with pytest.raises(ValidationError, match="supported: en, cs, sv, lt, pl, ru"):
        Settings()


def test_it_documents_every_setting() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"CENTRICITY_{name.upper()}" in text, f"CENTRICITY_{name.upper()} is undocumented"
