"""``thuky serve``: the HTTP service (API + web client) under uvicorn."""

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
