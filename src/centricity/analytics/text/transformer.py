"""A local Hugging Face transformer directory as the embedder, for organisations that have
vetted a larger or domain-tuned model. Never downloads: the hub is switched off before
`transformers` is imported and every load passes `local_files_only=True`, so a missing file
fails at once instead of reaching for the network. transformers and torch are optional
(`pip install centricity[transformers]`) and imported only when this embedder is built.

Sentence vectors are the attention-masked mean of the last hidden states (the pooling e5,
MiniLM and most sentence-transformers models were trained with), L2-normalised.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from centricity.analytics.text.analysable import clean
from centricity.analytics.text.embedding import FloatMatrix, normalise_rows


class TransformerEmbedder:
    """Mean-pooled embeddings from a model directory (config, weights and tokenizer)."""

    def __init__(
        self, path: str | Path, *, prefix: str = "", max_length: int = 512, batch_size: int = 32
    ) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.path = Path(path)
        self.prefix = prefix
        self.batch_size = batch_size
        self._torch: Any = torch
        self._tokenizer: Any = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        self._model: Any = AutoModel.from_pretrained(self.path, local_files_only=True)
        self._model.eval()
        window = int(getattr(self._model.config, "max_position_embeddings", max_length))
        self.max_length = min(max_length, window)
        self.dimension = int(self._model.config.hidden_size)
        self.name = f"transformer/{self.path.name}"
        config = (self.path / "config.json").read_bytes()
        self.version = hashlib.sha256(config).hexdigest()[:12]

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """The mean-pooled, L2-normalised embedding of each text (cut to the model window)."""
        rows = [
            self._embed_batch(
                [self.prefix + clean(text) for text in texts[i : i + self.batch_size]]
            )
            for i in range(0, len(texts), self.batch_size)
        ]
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return normalise_rows(np.concatenate(rows))

    def _embed_batch(self, texts: list[str]) -> FloatMatrix:
        batch = self._tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        with self._torch.inference_mode():
            hidden = self._model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
        return np.asarray(pooled.float().numpy(), dtype=np.float32)
