"""Models on disk: JSON plus .npy, refused when of another kind or version."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from centricity.analytics.text.persist import load_model, save_model


def test_it_round_trips_parameters_and_arrays_exactly(tmp_path: Path) -> None:
    arrays = {"weights_": np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)}
    save_model(tmp_path, kind="demo", version=2, params={"name": "Zásilka", "k": 3}, arrays=arrays)
    params, loaded = load_model(tmp_path, kind="demo", version=2)
    assert params == {"name": "Zásilka", "k": 3}
    np.testing.assert_array_equal(loaded["weights_"], arrays["weights_"])
    assert json.loads((tmp_path / "model.json").read_text())["model_version"] == 2


def test_it_refuses_another_kind_or_version(tmp_path: Path) -> None:
    save_model(tmp_path, kind="themes", version=1, params={}, arrays={})
    with pytest.raises(ValueError, match="not 'sentiment'"):
        load_model(tmp_path, kind="sentiment", version=1)
    with pytest.raises(ValueError, match="refit"):
        load_model(tmp_path, kind="themes", version=2)


def test_array_names_cannot_escape_the_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="plain identifier"):
        save_model(tmp_path, kind="x", version=1, params={}, arrays={"../evil": np.zeros(1)})
