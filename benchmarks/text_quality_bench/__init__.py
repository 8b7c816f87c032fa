"""The parts of `text_quality.py`: reading the labelled set and caching its embeddings
(`dataset`), and the quality measures against the labels (`scores`: language ID, sentiment
by cross-validation, themes against topics)."""
