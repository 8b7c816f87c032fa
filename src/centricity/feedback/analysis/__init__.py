"""The text analysis of feedback in the store: language, embeddings, themes, sentiment."""
