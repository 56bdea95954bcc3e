"""``thuky serve``: the HTTP service (API + web client) under uvicorn; ``thuky worker``: a process that runs ingest
jobs claimed from the database."""

from __future__ import annotations

from typing import Annotated

import typer

from thuky.settings import get_settings


def serve(
    host: Annotated[str | None, typer.Option(help="Address (default THUKY_HOST, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default THUKY_PORT, 8000)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default THUKY_WORKERS, 1)")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Phục vụ: serve the API and the web client."""
    import uvicorn

    from thuky.runtime import current

    s = get_settings()
    current().store.engine  # the schema: migrated (SQLite) or checked (a server database) before any worker starts
    host, port, workers = host or s.host, port or s.port, workers or s.workers
    print(f"ThuKy serving on http://{host}:{port}/ (API docs: http://{host}:{port}/docs; home {s.home}) — Ctrl-C "
          "to stop", flush=True)
    uvicorn.run("thuky.runtime:serve_app", factory=True, host=host, port=port, workers=workers, log_level=log_level,
                proxy_headers=False, server_header=False)


def worker(
    once: Annotated[bool, typer.Option("--once", help="Run the jobs queued now, then exit")] = False,
) -> None:
    """Nạp nền: claim ingest jobs from the database and run them (any number of workers, on any machine sharing
    the database; set THUKY_RUN_JOBS=false on the servers to leave the jobs to them)."""
    import signal
    import threading

    from thuky.runtime import current

    svc = current().services()
    jobs = svc.jobs
    if once:
        n = jobs.run_pending()
        print(f"worker {jobs.worker_id}: {n} job(s) run", flush=True)
        return
    stopping = threading.Event()

    def _stop(_sig, _frame) -> None:  # finish the job under way, then exit
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=jobs.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"worker {jobs.worker_id} on {svc.store.engine.url.render_as_string(hide_password=True)} — Ctrl-C to stop",
          flush=True)
    jobs.run_forever()
