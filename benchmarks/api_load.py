"""Load benchmark of the HTTP service: a real server (`thuky serve`, uvicorn on 127.0.0.1) and an httpx/asyncio load
generator on loopback, against a home whose corpus is already ingested and indexed.

    .venv/bin/python benchmarks/api_load.py --home ~/.thuky                      # statutes corpus (17.9k articles)
    .venv/bin/python benchmarks/api_load.py --home DIR --corpus alqac --duration 10   # a short run on ALQAC

Three phases, each printing requests, requests/s, errors by kind and latency p50/p95/p99/max:
  1. search — `--search-clients` (10) clients on GET /v1/search (short keyword queries: article titles and the
     first words of real ALQAC questions); targets p50 ≤ 60 ms, p95 ≤ 150 ms;
  2. chat — `--chat-clients` (10) clients on POST /v1/chat, extractive (real ALQAC questions); target p95 ≤ 500 ms;
  3. soak — `--soak-clients` (50) clients for `--soak-duration` (120 s) on a mix (search 60 %, chat 30 %, documents
     and citations 10 %); target: not a single error.
Each client waits about `--think` seconds (default 1, uniformly 0.5–1.5×) between its requests, as a person at a
screen does; `--think 0` sends back to back (saturation: the latency is then mostly queueing, ≈ clients × service time
÷ cores, and requests/s is the throughput). The server's own time per request (search `took_ms`, the answer's
`timings_ms.total`) is printed too. `--duration` caps every phase (for a quick check). The server runs with the home's
settings (THUKY_* from the environment), with the per-user rate limit and cap on chats in flight off unless
`--keep-rate-limit` (all clients act as one user, each with its own API key). The benchmark makes a user `loadtest`
with one API key per client, and revokes the keys and deletes its conversations at the end.
`--json PATH` also writes the numbers as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

FALLBACK_QUESTIONS = [
    "Người phạm tội tự thú có được giảm nhẹ trách nhiệm hình sự không?",
    "Thời hiệu khởi kiện về thừa kế là bao lâu?",
    "Người lao động được nghỉ hằng năm bao nhiêu ngày?",
    "Điều kiện kết hôn theo Luật Hôn nhân và gia đình là gì?",
    "Thẩm quyền của Tòa án nhân dân cấp huyện trong vụ án dân sự?",
]


@dataclass
class Phase:
    name: str
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)  # the server's own time (search took_ms, answer total)
    errors: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    elapsed_s: float = 0.0

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            return round(lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))], 1) if lat else float("nan")

        n = len(lat) + sum(self.errors.values())
        srv = sorted(self.server_ms)
        server = {"server_p50_ms": round(srv[len(srv) // 2], 1),
                  "server_p95_ms": round(srv[int(0.95 * (len(srv) - 1))], 1)} if srv else {}
        return {"phase": self.name, "clients": self.clients, "seconds": round(self.elapsed_s, 1), "requests": n,
                "requests_per_s": round(n / self.elapsed_s, 1) if self.elapsed_s else 0.0,
                "ok": len(lat), "errors": sum(self.errors.values()), "errors_by_kind": dict(self.errors),
                "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": round(lat[-1], 1) if lat else None,
                "mix": dict(self.by_kind), **server}


def _store():
    """The home's store (THUKY_HOME / THUKY_DATABASE_URL, as the server will see them)."""
    from corpus.store import Store
    from thuky.settings import get_settings

    return Store(get_settings().db_url)


# -- workload -----------------------------------------------------------------------------------------------------
def workload(home: Path, corpus: str, data_dir: Path, seed: int = 7) -> tuple[list[str], list[str], list[dict]]:
    """(search queries, chat questions, document/citation requests) from the corpus itself and real questions."""
    from sqlalchemy import text

    store = _store()
    with store.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT d.doc_id, d.title, u.article_no, u.title FROM units u JOIN documents d ON d.pk = u.document_pk "
            "WHERE d.corpus = :c AND u.kind = 'article'"), {"c": corpus}).all()
    store.engine.dispose()
    if not rows:
        raise SystemExit(f"corpus {corpus!r} has no articles in {home}: ingest and index it first")
    rng = random.Random(seed)
    titles = [r[3] for r in rows if r[3] and len(r[3]) > 8]
    questions = FALLBACK_QUESTIONS
    qfile = data_dir / "alqac" / "questions.json"
    if qfile.exists():
        questions = [q["text"] for q in json.loads(qfile.read_text(encoding="utf-8"))]
    short = [" ".join(re.sub(r"[,?.:;]", " ", q).split()[:8]) for q in questions]
    searches = rng.sample(titles, min(400, len(titles))) + rng.sample(short, min(400, len(short)))
    rng.shuffle(searches)
    chats = rng.sample(questions, min(400, len(questions)))
    picks = rng.sample(rows, min(200, len(rows)))
    reads = [{"path": f"/v1/documents/{d}/articles/{a}", "params": {"corpus": corpus}} for d, _, a, _ in picks[:100]]
    reads += [{"path": "/v1/units", "params": {"citation": f"Điều {a} {t}", "corpus": corpus}}
              for _, t, a, _ in picks[100:]]
    return searches, chats, reads


# -- server -------------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int, workers: int, keep_rate_limit: bool) -> subprocess.Popen:
    env = {**os.environ, "THUKY_HOME": str(home), "THUKY_PORT": str(port)}
    if not keep_rate_limit:
        env["THUKY_RATE_LIMIT_PER_MINUTE"] = "0"
        env["THUKY_MAX_CHATS_IN_FLIGHT_PER_USER"] = "0"
    return subprocess.Popen([sys.executable, "-m", "thuky.cli", "serve", "--workers", str(workers), "--log-level",
                             "warning"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 600) -> dict:
    import httpx

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            r = httpx.get(f"{url}/readyz", timeout=5)
            last = r.json()
            if r.status_code == 200:
                return last
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server was not ready after {timeout:.0f} s: {last}")


def make_keys(home: Path, n: int) -> tuple[list[str], list[int]]:
    from api.accounts import Accounts, generate_password

    store = _store()
    accounts = Accounts(store.engine)
    if accounts.get_user("loadtest") is None:
        accounts.add_user("loadtest", "clerk", generate_password())
    issued = [accounts.create_key("loadtest", f"api_load client {i}") for i in range(n)]
    store.engine.dispose()
    return [k.key for k in issued], [k.id for k in issued]


def clean_up(home: Path, key_ids: list[int]) -> None:
    from api.accounts import Accounts
    from assistant.conversation import ConversationStore

    store = _store()
    accounts = Accounts(store.engine)
    for kid in key_ids:
        accounts.revoke_key(kid)
    conv = ConversationStore(store.engine)
    while batch := conv.list(owner="loadtest", limit=500):
        for s in batch:
            conv.delete(s.id, "loadtest")
    store.engine.dispose()


# -- load ---------------------------------------------------------------------------------------------------------
async def run_phase(phase: Phase, url: str, keys: list[str], pick, think: float) -> Phase:
    import httpx

    deadline = time.monotonic() + phase.seconds
    limits = httpx.Limits(max_connections=phase.clients + 5, max_keepalive_connections=phase.clients + 5)

    async def client(i: int, http: httpx.AsyncClient) -> None:
        rng = random.Random(i)
        headers = {"Authorization": f"Bearer {keys[i % len(keys)]}"}
        while time.monotonic() < deadline:
            kind, method, path, kwargs = pick(rng)
            phase.by_kind[kind] += 1
            t = time.perf_counter()
            try:
                r = await http.request(method, path, headers=headers, **kwargs)
                ms = (time.perf_counter() - t) * 1000
                if r.status_code == 200:
                    phase.latencies_ms.append(ms)
                    if kind in ("search", "chat"):
                        body = r.json()
                        phase.server_ms.append(body["took_ms"] if kind == "search" else body["timings_ms"]["total"])
                else:
                    phase.errors[f"{kind} HTTP {r.status_code}"] += 1
            except httpx.HTTPError as exc:
                phase.errors[f"{kind} {type(exc).__name__}"] += 1
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)

    t0 = time.monotonic()
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        await asyncio.gather(*(client(i, http) for i in range(phase.clients)))
    phase.elapsed_s = time.monotonic() - t0
    return phase


def print_phase(s: dict, targets: str) -> None:
    errs = ", ".join(f"{k}: {v}" for k, v in s["errors_by_kind"].items()) or "none"
    print(f"{s['phase']:<7} {s['clients']:>3} clients {s['seconds']:>6.1f} s  {s['requests']:>6} requests "
          f"{s['requests_per_s']:>6.1f}/s  p50 {s['p50_ms']:>7.1f} ms  p95 {s['p95_ms']:>7.1f} ms  "
          f"p99 {s['p99_ms']:>7.1f} ms  max {s['max_ms']} ms  errors {s['errors']} ({errs})  [{targets}]",
          flush=True)
    if "server_p50_ms" in s:
        print(f"{'':<7} server's own time (search took_ms / answer timings total): p50 {s['server_p50_ms']} ms, "
              f"p95 {s['server_p95_ms']} ms", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("THUKY_HOME", Path.home() / ".thuky")),
                    help="THUKY_HOME with the corpus ingested and indexed (default: $THUKY_HOME or ~/.thuky)")
    ap.add_argument("--corpus", default=None, help="corpus to query (default: THUKY_DEFAULT_CORPUS, statutes)")
    ap.add_argument("--duration", type=float, default=None, help="cap every phase at this many seconds")
    ap.add_argument("--phase-seconds", type=float, default=60.0, help="length of the search and chat phases")
    ap.add_argument("--soak-duration", type=float, default=120.0)
    ap.add_argument("--search-clients", type=int, default=10)
    ap.add_argument("--chat-clients", type=int, default=10)
    ap.add_argument("--soak-clients", type=int, default=50)
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean seconds a client waits between its requests (0: back to back — saturation)")
    ap.add_argument("--workers", type=int, default=1, help="server worker processes")
    ap.add_argument("--phases", default="search,chat,soak")
    ap.add_argument("--keep-rate-limit", action="store_true")
    ap.add_argument("--url", default=None, help="use this running server instead of starting one")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args()

    home = args.home.expanduser().resolve()
    os.environ["THUKY_HOME"] = str(home)
    from thuky.settings import get_settings

    settings = get_settings()
    corpus = args.corpus or settings.default_corpus
    os.environ["THUKY_DEFAULT_CORPUS"] = corpus  # the server preloads (and /readyz waits for) this corpus
    cap = args.duration or float("inf")
    searches, chats, reads = workload(home, corpus, settings.data_dir)
    keys, key_ids = make_keys(home, max(args.search_clients, args.chat_clients, args.soak_clients))
    proc = None
    url = args.url
    try:
        if url is None:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            t = time.monotonic()
            proc = start_server(home, port, args.workers, args.keep_rate_limit)
            ready = wait_ready(url, proc)
            print(f"server {url} ready in {time.monotonic() - t:.1f} s: index {ready['index']}", flush=True)

        def search(rng):
            return "search", "GET", "/v1/search", {"params": {"q": rng.choice(searches), "corpus": corpus,
                                                              "page_size": 10}}

        def chat(rng):
            return "chat", "POST", "/v1/chat", {"json": {"question": rng.choice(chats), "corpus": corpus}}

        def read(rng):
            r = rng.choice(reads)
            return "read", "GET", r["path"], {"params": r["params"]}

        def mixed(rng):
            x = rng.random()
            return search(rng) if x < 0.6 else chat(rng) if x < 0.9 else read(rng)

        # warm-up (not measured): the first requests of each kind pay for lazy loads
        asyncio.run(run_phase(Phase("warm-up", 2, min(5.0, cap)), url, keys, mixed, 0.0))
        plan = {"search": (Phase("search", args.search_clients, min(args.phase_seconds, cap)), search,
                           "target p50 ≤ 60 ms, p95 ≤ 150 ms"),
                "chat": (Phase("chat", args.chat_clients, min(args.phase_seconds, cap)), chat,
                         "target p95 ≤ 500 ms"),
                "soak": (Phase("soak", args.soak_clients, min(args.soak_duration, cap)), mixed,
                         "target: 0 errors")}
        results = []
        print(f"corpus {corpus!r} in {home}; think time {args.think:g} s; server workers {args.workers}", flush=True)
        for name in [p.strip() for p in args.phases.split(",") if p.strip()]:
            phase, pick, targets = plan[name]
            s = asyncio.run(run_phase(phase, url, keys, pick, args.think)).summary()
            results.append(s)
            print_phase(s, targets)
        if args.json:
            args.json.write_text(json.dumps({"corpus": corpus, "home": str(home), "think_s": args.think,
                                             "workers": args.workers, "phases": results}, indent=2,
                                            ensure_ascii=False))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        clean_up(home, key_ids)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
