"""Evaluation metrics as pure functions: retrieval (ranked keys vs gold keys), answers, latency."""
