"""Fitted text models on disk: a `model.json` with the parameters and one `.npy` per array.

JSON keeps what a person may want to read or diff (kind, model version, hyperparameters,
theme ids and rules, the embedder the vectors came from); `.npy` keeps float arrays exact
and loads without pickle, so a model file can never run code. A model version that this
code does not know is refused rather than guessed at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

_ARRAY_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def save_model(
    directory: str | Path,
    *,
    kind: str,
    version: int,
    params: dict[str, Any],
    arrays: dict[str, NDArray[Any]],
) -> Path:
    """Write a model to `directory` (created if missing) and return the directory."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        if not _ARRAY_NAME.fullmatch(name):
            raise ValueError(f"array name {name!r} is not a plain identifier")
        np.save(path / f"{name}.npy", np.asarray(array), allow_pickle=False)
    document = {"kind": kind, "model_version": version, "params": params, "arrays": sorted(arrays)}
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    (path / "model.json").write_text(text, encoding="utf-8")
    return path


def load_model(
    directory: str | Path, *, kind: str, version: int
) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """The parameters and arrays of a model saved by `save_model`; ValueError when the
    directory holds another kind of model or a version this code cannot read."""
    path = Path(directory)
    document = json.loads((path / "model.json").read_text(encoding="utf-8"))
    if document.get("kind") != kind:
        raise ValueError(f"{path} holds a {document.get('kind')!r} model, not {kind!r}")
    if document.get("model_version") != version:
        raise ValueError(
            f"{path} holds {kind} model version {document.get('model_version')!r}; "
            f"this code reads version {version}: refit the model"
        )
    arrays = {
        name: np.load(path / f"{name}.npy", allow_pickle=False)
        for name in document["arrays"]
        if _ARRAY_NAME.fullmatch(name)
    }
    return dict(document["params"]), arrays
