"""`config.current_settings` caches what `get_settings` reads, yet sees every change."""

from __future__ import annotations

from pathlib import Path

import pytest

from centricity.config import SECRET_KEY_FILE_NAME, current_settings, get_settings


def test_it_returns_one_object_while_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "12")
    assert current_settings() is current_settings()
    assert current_settings().survey_fatigue_days == 12


def test_it_sees_a_changed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "12")
    first = current_settings()
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "40")
    assert current_settings().survey_fatigue_days == 40
    assert first.survey_fatigue_days == 12
    monkeypatch.delenv("CENTRICITY_SURVEY_FATIGUE_DAYS")
    assert current_settings().survey_fatigue_days == get_settings().survey_fatigue_days


def test_it_sees_a_key_file_written_after_the_first_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CENTRICITY_SECRET_KEY", raising=False)
    monkeypatch.delenv("CENTRICITY_SECRET_KEY_FILE", raising=False)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path))
    assert current_settings().secret_key == get_settings().secret_key == ""
    (tmp_path / SECRET_KEY_FILE_NAME).write_text("k" * 40, encoding="utf-8")
    assert current_settings().secret_key == "k" * 40


def test_it_sees_a_rewritten_secret_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("a" * 40, encoding="utf-8")
    monkeypatch.delenv("CENTRICITY_SECRET_KEY", raising=False)
    monkeypatch.setenv("CENTRICITY_SECRET_KEY_FILE", str(secret))
    assert current_settings().secret_key == "a" * 40
    secret.write_text("b" * 41, encoding="utf-8")
    assert current_settings().secret_key == "b" * 41
