"""Ingest jobs claimed from the database by any worker: each job by one worker only, a lease that a killed worker
stops renewing and another worker then takes up, nothing half-written — on SQLite and on PostgreSQL. And the rate
limits' buckets in the database, shared by every process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CORPUS, NEW_LAW, api_settings, make_users
from tests.conftest import REPO


class _Services:
    """What ``Jobs`` reads from the service: the store, the config, the metrics."""

    def __init__(self, store, home: Path, **config):
        from api.config import ServiceConfig
        from api.metrics import Metrics

        self.store, self.config, self.metrics = store, ServiceConfig(home=home, **config), Metrics()


def test_each_job_is_claimed_by_one_worker_only(any_store, tmp_path):
    from api.jobs import Jobs

    svc = _Services(any_store, tmp_path, job_lease_s=60)
    ids = {Jobs(svc).submit_reindex(CORPUS, "admin", f"lần {i}") for i in range(24)}
    workers = [Jobs(svc, worker_id=f"w{i}") for i in range(4)]
    claimed: list[list[str]] = [[] for _ in workers]

    def drain(i: int) -> None:
        while (job := workers[i].claim()) is not None:
            claimed[i].append(job.id)

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    every = [j for c in claimed for j in c]
    assert sorted(every) == sorted(ids)  # each once, none lost
    assert {Jobs(svc).get(j)["status"] for j in ids} == {"running"}


def test_a_job_whose_worker_stopped_renewing_its_lease_is_taken_up_again(any_store, tmp_path):
    from api.jobs import Jobs, LeaseLost

    svc = _Services(any_store, tmp_path, job_lease_s=0.3, job_max_attempts=2)
    first, second = Jobs(svc, worker_id="first"), Jobs(svc, worker_id="second")
    jid = first.submit_reindex(CORPUS, "admin", "re-index")
    assert first.claim().id == jid
    assert second.claim() is None  # held
    time.sleep(0.5)  # "first" died: nobody renewed the lease
    job = second.claim()
    assert job.id == jid and job.attempts == 2 and job.worker == "second"
    with pytest.raises(LeaseLost):  # the first worker, were it only slow, can no longer write the job
        first._set(jid, message="late")
    time.sleep(0.5)  # the second died as well: the job has had its attempts
    assert first.claim() is None
    view = first.get(jid)
    assert view["status"] == "failed" and "stopped 2 times" in view["message"], view


STALL = '''
import os, time
import corpus.store as store

_insert = store.Store._insert_document


def _stalled(self, *args, **kwargs):  # the worker is killed in the middle of storing the upload's documents
    _insert(self, *args, **kwargs)
    open(os.environ["THUKY_TEST_STALLED"], "w").close()
    time.sleep(600)


store.Store._insert_document = _stalled
'''


def test_a_killed_worker_leaves_nothing_half_written_and_its_job_is_retried(db_home, tmp_path):
    """A real ``thuky worker`` process is killed (SIGKILL) while it stores an upload's documents, inside the
    transaction; the upload is not in the store; once the lease has run out another worker runs the job to the end."""
    from thuky.runtime import Runtime

    home, url = db_home
    settings = api_settings(home, database_url=url, run_jobs=False, job_lease_s=2)
    app = Runtime(settings).app()
    users = make_users(app)
    with TestClient(app) as c:
        r = c.post("/v1/documents", files={"file": ("tam.txt", NEW_LAW.encode(), "text/plain")},
                   headers=users["admin"]["headers"])
        assert r.status_code == 202, r.text
        jid = r.json()["job_id"]
        assert c.get(f"/v1/jobs/{jid}", headers=users["admin"]["headers"]).json()["status"] == "queued"

        patch = tmp_path / "stall"
        patch.mkdir()
        (patch / "sitecustomize.py").write_text(STALL)
        stalled = tmp_path / "stalled"
        env = {**os.environ, "PYTHONPATH": f"{patch}{os.pathsep}{REPO}", "THUKY_HOME": str(home),
               "THUKY_DENSE": "false", "THUKY_JOB_LEASE_S": "2", "THUKY_TEST_STALLED": str(stalled),
               "HF_HUB_OFFLINE": "1"}
        if url:
            env["THUKY_DATABASE_URL"] = url
        else:
            env.pop("THUKY_DATABASE_URL", None)
        log = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen([sys.executable, "-m", "thuky.cli", "worker"], cwd=REPO, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while not stalled.exists():
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                assert time.monotonic() < deadline, "the worker never reached the store"
                time.sleep(0.05)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
            log.close()

        svc = app.state.services
        job = svc.jobs.get(jid)
        assert job["status"] == "running" and job["attempts"] == 1
        assert "77/2021/QH15" not in {d.doc_id for d in svc.store.documents(CORPUS)}  # rolled back

        time.sleep(max(0.0, (svc.jobs.lease_of(jid).timestamp() - time.time())) + 0.2)
        assert svc.jobs.run_pending() == 1  # another worker (here: this process) takes it up
        job = svc.jobs.get(jid)
        assert job["status"] == "done" and job["attempts"] == 2, job
        assert [d.doc_id for d in svc.store.documents(CORPUS)].count("77/2021/QH15") == 1
        hits = c.get("/v1/search", params={"q": "nong tằm phơi khô"}, headers=users["clerk"]["headers"]).json()
        assert hits["results"][0]["document_id"] == "77/2021/QH15"
    svc.store.engine.dispose()


def test_rate_limit_buckets_in_the_database_are_one_bucket_for_every_process(any_store):
    from api.ratelimit import DatabaseRateLimiter

    a = DatabaseRateLimiter(any_store.engine, per_minute=60, burst=3)
    b = DatabaseRateLimiter(any_store.engine, per_minute=60, burst=3)  # another replica
    t = 1_000_000.0
    assert [a.hit("u:judge", t), b.hit("u:judge", t), a.hit("u:judge", t)] == [0.0, 0.0, 0.0]
    assert b.hit("u:judge", t) == pytest.approx(1.0)  # the burst is spent, whichever process asks
    assert a.hit("u:clerk", t) == 0.0  # another caller has their own bucket
    assert a.hit("u:judge", t + 1.0) == 0.0  # one second at 60/min refills one request
    assert b.hit("u:judge", t + 1.0) > 0


def test_concurrent_first_requests_of_a_caller_share_one_bucket(any_store):
    from api.ratelimit import DatabaseRateLimiter

    limiters = [DatabaseRateLimiter(any_store.engine, per_minute=1, burst=5) for _ in range(4)]
    waits: list[float] = []
    lock = threading.Lock()

    def go(limiter) -> None:
        for _ in range(3):
            w = limiter.hit("ip:10.0.0.1", 2_000_000.0)
            with lock:
                waits.append(w)

    threads = [threading.Thread(target=go, args=(lim,)) for lim in limiters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(waits) == 12 and sum(w == 0.0 for w in waits) == 5
