"""Fuzzing: schemathesis generates requests from the app's own OpenAPI document — valid ones and invalid ones — as an
admin (so every endpoint is reachable), and no response may be a 5xx; errors keep the one error shape.

Bounded (a few examples per operation and mode, derandomised) so it runs in about a minute. Schemathesis's pytest
loader (``from_fixture``) does not work with pytest 9, so each operation's Hypothesis strategy is driven directly.
"""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.api.conftest import api_settings, build_home, make_users

MAX_EXAMPLES = 8


def check(case, headers: dict, seen: Counter) -> None:
    response = case.call(headers=dict(headers))  # (call adds its own headers to the dict it is given)
    seen[response.status_code // 100 * 100] += 1
    where = f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, where
    content_type = response.headers.get("content-type") or [""]
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if response.status_code >= 400 and content_type.startswith("application/json"):
        body = response.json()
        assert isinstance(body.get("error"), dict) and {"code", "message"} <= set(body["error"]), where


def test_no_server_errors_on_generated_requests(tmp_path):
    from thuky.runtime import Runtime

    app = Runtime(api_settings(build_home(tmp_path / "fuzz-home"), max_file_mb=1)).app()
    users = make_users(app)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures, ran, seen = [], 0, Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        # logging out would end the session the later examples use
        headers = users["judge2" if operation.path == "/v1/auth/logout" else "admin"]["headers"]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                check(case, headers, seen)

            try:
                run()
                ran += 1
            except Unsatisfiable:  # nothing to make invalid (an operation without parameters or body)
                assert mode == GenerationMode.NEGATIVE, operation.path
            except AssertionError as exc:
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
    assert ran >= 30, ran  # every operation was exercised, both ways
    assert seen[200] >= 50 and seen[400] >= 50, seen  # both accepted and refused requests were made
    assert not failures, "\n".join(failures)
    print(f"fuzzed {ran} operation×mode runs; responses by class: {dict(seen)}")
