"""Fitted text models kept in the store (`feedback_text_models`), so every worker and every
run uses the same themes and sentiment model without a shared disk.

The library writes a model as a directory (`model.json` plus one `.npy` per array,
`analytics.text.persist`); here that directory is packed into the row as the JSON document
and one `.npz` archive (no pickle, so a stored model can never run code), and unpacked into
a temporary directory to load. Vectors are stored as raw little-endian float32 bytes.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any, Protocol, Self, TypeVar

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.feedback.analysis.models import TextModel


class Persisted(Protocol):
    """A library model that saves to and loads from a directory."""

    kind: str

    def save(self, directory: str | Path) -> Path: ...

    @classmethod
    def load(cls, directory: str | Path) -> Self: ...


M = TypeVar("M", bound=Persisted)


def to_bytes(vectors: NDArray[Any]) -> list[bytes]:
    """Each row of a float matrix as float32 little-endian bytes (one embedding each)."""
    matrix = np.ascontiguousarray(vectors, dtype="<f4")
    return [row.tobytes() for row in matrix]


def from_bytes(blobs: list[bytes], dimension: int | None = None) -> NDArray[np.float32]:
    """The matrix of embeddings stored by `to_bytes`, one row per blob."""
    if not blobs:
        return np.zeros((0, dimension or 0), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), -1).astype(np.float32)


def save(
    session: Session, model: Persisted, *, embedder: str, state: dict[str, Any] | None = None
) -> TextModel:
    """Store `model` as the newest of its kind; `state` is what the store adds beside it
    (for themes: which `feedback_themes` row each of the model's theme ids is)."""
    with tempfile.TemporaryDirectory(prefix="centricity-model-") as folder:
        path = model.save(folder)
        document = json.loads((path / "model.json").read_text(encoding="utf-8"))
        buffer = io.BytesIO()
        arrays = {name: np.load(path / f"{name}.npy") for name in document.get("arrays", [])}
        np.savez(buffer, **arrays)
    row = TextModel(
        kind=model.kind,
        version=str(document.get("model_version", "")),
        embedder=embedder[:80],
        state={"model": document, "store": state or {}},
        arrays=buffer.getvalue(),
    )
    session.add(row)
    session.flush()
    return row


def latest(session: Session, kind: str) -> TextModel | None:
    """The newest stored model of `kind` (`themes`, `sentiment`), if any."""
    return session.scalar(
        select(TextModel).where(TextModel.kind == kind).order_by(TextModel.id.desc()).limit(1)
    )


def load(row: TextModel, cls: type[M]) -> M:
    """The library model stored in `row`; ValueError when its version cannot be read."""
    document = row.state["model"]
    with tempfile.TemporaryDirectory(prefix="centricity-model-") as folder:
        path = Path(folder)
        (path / "model.json").write_text(json.dumps(document), encoding="utf-8")
        with np.load(io.BytesIO(row.arrays or b""), allow_pickle=False) as arrays:
            for name in arrays.files:
                np.save(path / f"{name}.npy", arrays[name], allow_pickle=False)
        return cls.load(path)
