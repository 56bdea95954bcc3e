"""The HTTP service (FastAPI): ``api.app.create_app`` over the assistant and the index.

Modules: ``app`` (the factory, middleware, routers), ``services`` (what a running app holds), ``auth`` (who is calling,
role gates), ``accounts`` (users, passwords, tokens, API keys), ``schema`` (the service's tables), ``errors`` (the one
error shape), ``middleware`` (body limit, metrics, audit), ``metrics``, ``audit``, ``ratelimit``, ``jobs`` (ingest
jobs), ``highlight`` (search snippets), ``sse`` (event stream), ``models`` (request/response bodies), ``routes/`` (one
module per resource), ``web`` and ``static/`` (the web client).
"""
