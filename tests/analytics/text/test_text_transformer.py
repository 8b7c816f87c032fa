"""A local transformer directory as the embedder, with a tiny random BERT built here."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from centricity.analytics.text.embedding import Embedder

transformers = pytest.importorskip(
    "transformers", reason="transformers is not installed (pip install centricity[transformers])"
)
pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")

WORDS = "the parcel arrived late price too high staff kind zásilka přišla pozdě посылка".split()


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    """A 1-layer, 16-wide BERT with random weights and a word-piece vocabulary."""
    import torch

    torch.manual_seed(0)
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True)
    config = transformers.BertConfig(
        vocab_size=len(WORDS) + 5, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64,
    )  # fmt: skip
    model_dir = tmp_path / "tiny-bert"
    transformers.BertModel(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    return model_dir


def test_it_embeds_with_a_local_model_and_no_network(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network use")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from centricity.analytics.text.transformer import TransformerEmbedder

    embedder = TransformerEmbedder(tiny_model)
    assert isinstance(embedder, Embedder)
    texts = ["the parcel arrived late", "price too high", "", "zásilka " * 500]
    vectors = embedder.embed(texts)
    assert vectors.shape == (4, 16) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors, TransformerEmbedder(tiny_model).embed(texts), atol=1e-6)
    assert not np.allclose(vectors[0], vectors[1])
    assert embedder.name == "transformer/tiny-bert" and len(embedder.version) == 12


def test_it_never_reaches_for_a_hub_model_that_is_not_on_disk(tmp_path: Path) -> None:
    from centricity.analytics.text.transformer import TransformerEmbedder

    with pytest.raises(OSError):
        TransformerEmbedder(tmp_path / "intfloat" / "multilingual-e5-small")
