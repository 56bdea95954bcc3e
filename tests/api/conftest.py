"""The API under test: the real app over a tiny statute corpus (three documents, lexical-only index), built once per
session; a user of every role with a login token; helpers for a second, writable copy and a real uvicorn server."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, bees_statute

CORPUS = "statutes"
ROLES = ("judge", "clerk", "evaluator", "admin")

BLHS = """QUỐC HỘI
Bộ luật số: 100/2015/QH13
Hà Nội, ngày 27 tháng 11 năm 2015
BỘ LUẬT
HÌNH SỰ
Phần thứ nhất
NHỮNG QUY ĐỊNH CHUNG
Chương I
ĐIỀU KHOẢN CƠ BẢN
Điều 1. Nhiệm vụ của Bộ luật Hình sự
Bộ luật Hình sự có nhiệm vụ bảo vệ chủ quyền quốc gia, an ninh của đất nước, bảo vệ chế độ xã hội chủ nghĩa.
Chương II
TRÁCH NHIỆM HÌNH SỰ
Mục 1
TUỔI CHỊU TRÁCH NHIỆM
Điều 12. Tuổi chịu trách nhiệm hình sự
1. Người từ đủ 16 tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm, trừ những tội phạm mà Bộ luật này có \
quy định khác.
2. Người từ đủ 14 tuổi đến dưới 16 tuổi phải chịu trách nhiệm hình sự về tội phạm rất nghiêm trọng, tội phạm đặc \
biệt nghiêm trọng.
Mục 2
GIẢM NHẸ
Điều 51. Các tình tiết giảm nhẹ trách nhiệm hình sự
1. Các tình tiết sau đây là tình tiết giảm nhẹ trách nhiệm hình sự:
a) Người phạm tội đã ngăn chặn hoặc làm giảm bớt tác hại của tội phạm;
b) Người phạm tội tự nguyện sửa chữa, bồi thường thiệt hại hoặc khắc phục hậu quả;
c) Người phạm tội tự thú;
d) Người phạm tội thành khẩn khai báo hoặc ăn năn hối cải.
2. Khi quyết định hình phạt, Tòa án có thể coi đầu thú hoặc tình tiết khác là tình tiết giảm nhẹ, nhưng phải ghi rõ \
lý do giảm nhẹ trong bản án.
Phần thứ hai
CÁC TỘI PHẠM
Chương XIV
CÁC TỘI XÂM PHẠM TÍNH MẠNG, SỨC KHỎE
Điều 123. Tội giết người
1. Người nào giết người thì bị phạt tù từ 12 năm đến 20 năm, tù chung thân hoặc tử hình.
2. Phạm tội không thuộc các trường hợp quy định tại khoản 1 Điều này, thì bị phạt tù từ 07 năm đến 15 năm.
"""

BEES = bees_statute("99/2019/QH14", "01 tháng 07 năm 2019", " cho người khác")

DECREE = """CHÍNH PHỦ
Nghị định số: 15/2020/NĐ-CP
Hà Nội, ngày 03 tháng 02 năm 2020
NGHỊ ĐỊNH
QUY ĐỊNH XỬ PHẠT VI PHẠM HÀNH CHÍNH VỀ NUÔI ONG
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định hành vi vi phạm hành chính về nuôi ong và mức phạt tiền.
Điều 2. Vi phạm về khoảng cách tổ ong
Phạt tiền từ 1.000.000 đồng đến 3.000.000 đồng đối với hành vi đặt tổ ong cách nhà ở liền kề dưới 10 mét.
"""

TEXTS = {"blhs.txt": BLHS, "nuoi-ong.txt": BEES, "nd-ong.txt": DECREE}


# a short law an upload job stores, in the tests of jobs and of servers sharing one database
NEW_LAW = """QUỐC HỘI
Luật số: 77/2021/QH15
Hà Nội, ngày 01 tháng 07 năm 2021
LUẬT
CHĂN NUÔI TẰM
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc chăn nuôi tằm.
Điều 2. Vệ sinh nong tằm
Nong tằm phải được phơi khô trước mỗi lứa nuôi.
"""


def build_home(home: Path, database_url: str | None = None, milvus_uri: str | None = None) -> Path:
    """Ingest the three texts as corpus 'statutes' and build its lexical-only index under ``home`` (the documents in
    ``database_url``, migrated first, or in the home's own SQLite file; the index in Milvus at ``milvus_uri``)."""
    from corpus.database import make_engine, upgrade
    from corpus.ingest import ingest
    from corpus.store import Store
    from indexing.index import IndexBuilder, IndexConfig

    src = home / "src"
    src.mkdir(parents=True)
    for name, text in TEXTS.items():
        (src / name).write_text(text, encoding="utf-8")
    if database_url:
        engine = make_engine(database_url)
        upgrade(engine)  # `thuky db upgrade`
        engine.dispose()
    store = Store(database_url or f"sqlite:///{home / 'thuky.db'}")
    report = ingest(store, CORPUS, [src])
    assert not report.skipped, report.skipped
    if milvus_uri:
        from indexing.milvus import MilvusBackend

        MilvusBackend(milvus_uri, home).builder(IndexConfig(model_dir=None)).build(store, CORPUS)
    else:
        IndexBuilder(home, IndexConfig(model_dir=None)).build(store, CORPUS)
    store.engine.dispose()
    return home


def api_settings(home: Path, **overrides):
    from thuky.settings import Settings

    values = dict(home=home, dense=False, preload_index=True, rate_limit_per_minute=0, login_attempts_per_minute=10_000,
                  login_attempts_per_account_per_minute=10_000, max_api_keys_per_user=1000,
                  max_chats_in_flight_per_user=0, default_corpus=CORPUS)
    values.update(overrides)
    return Settings(**values)


@functools.lru_cache
def _password_hash(password: str) -> str:
    from api.accounts import hash_password

    return hash_password(password)  # argon2 is slow on purpose: hash the shared test password once


def make_users(app, password: str = "mật-khẩu-đủ-dài") -> dict[str, dict]:
    """A user of every role (and a second judge), each with a login token: role → {username, token, headers}."""
    from sqlalchemy.orm import Session

    from api.tables import UserRow

    accounts = app.state.services.accounts
    out = {}
    for name, role in [(r, r) for r in ROLES] + [("judge2", "judge")]:
        user = accounts.get_user(name)
        if user is None:
            with Session(accounts.engine) as s, s.begin():
                s.add(UserRow(username=name, role=role, password_hash=_password_hash(password)))
            user = accounts.get_user(name)
        token = accounts.issue_token(user, hours=1)
        out[name] = {"username": name, "role": role, "token": token, "password": password,
                     "headers": {"Authorization": f"Bearer {token}"}}
    return out


def wait_ready(client, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/readyz").status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError(f"not ready: {client.get('/readyz').json()}")


@pytest.fixture(scope="session")
def base_home(tmp_path_factory) -> Path:
    return build_home(tmp_path_factory.mktemp("api-home"))


@pytest.fixture(scope="session")
def app(base_home):
    from thuky.runtime import Runtime

    return Runtime(api_settings(base_home)).app()


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        wait_ready(c)
        yield c


@pytest.fixture(scope="session")
def users(app, client) -> dict[str, dict]:
    return make_users(app)


@pytest.fixture
def other_client(app, client):
    """Another client of the shared app, with its own cookie jar (the app runs under the session client's lifespan:
    a second ``with TestClient(app)`` would start and stop its background workers again)."""
    from fastapi.testclient import TestClient

    return TestClient(app)


@pytest.fixture(scope="session")
def template_home(tmp_path_factory) -> Path:
    """Built once and never opened by an app: copied for each test that needs a home of its own."""
    return build_home(tmp_path_factory.mktemp("template-home"))


@pytest.fixture
def writable_home(template_home, tmp_path) -> Path:
    """A private corpus home of its own, for tests that ingest, delete or change settings."""
    home = tmp_path / "writable-home"
    shutil.copytree(template_home, home)
    return home


@pytest.fixture(params=["sqlite", "postgresql"])
def db_home(request, tmp_path) -> tuple[Path, str | None]:
    """A private home (index built) with its documents in the embedded SQLite file, or in a fresh PostgreSQL
    database (skipped, saying why, without a server): (home, THUKY_DATABASE_URL or None)."""
    if request.param == "sqlite":
        home = tmp_path / "writable-home"
        shutil.copytree(request.getfixturevalue("template_home"), home)
        return home, None
    url = request.getfixturevalue("postgres_url")
    return build_home(tmp_path / "pg-home", url), url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``thuky serve`` as a real process on 127.0.0.1 (uvicorn), stopped at the end."""

    def __init__(self, home: Path, **env: str):
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "THUKY_HOME": str(home), "THUKY_DENSE": "false", "THUKY_DEFAULT_CORPUS": CORPUS,
                    "THUKY_PORT": str(self.port), "THUKY_RATE_LIMIT_PER_MINUTE": "0", "HF_HUB_OFFLINE": "1",
                    "THUKY_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE": "10000", "THUKY_MAX_API_KEYS_PER_USER": "1000",
                    "THUKY_MAX_CHATS_IN_FLIGHT_PER_USER": "0", **env}
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.log = self.home / f"server-{self.port}.log"  # a file, not a pipe: a full pipe would block the server
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "thuky.cli", "serve", "--log-level", "warning"],
                                         cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise AssertionError("server did not become ready in 90 s")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
