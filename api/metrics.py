"""Prometheus metrics of one app (its own registry, so several apps in one process never collide)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from assistant.answer import Answer

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("thuky_http_requests", "HTTP requests by route template, method and status",
                                ["method", "route", "status"], registry=r)
        self.latency = Histogram("thuky_http_request_duration_seconds", "Time to the end of the response",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=r)
        self.in_flight = Gauge("thuky_http_requests_in_flight", "Requests being served", registry=r)
        self.answers = Counter("thuky_answers", "Answers given, by composer and form", ["composer", "form"],
                               registry=r)
        self.abstentions = Counter("thuky_abstentions", "Answers that abstained (no supported answer found)",
                                   registry=r)
        self.verification_failures = Counter(
            "thuky_verification_failures", "Answers in which at least one citation failed verification and was "
            "removed", registry=r)
        self.citations_removed = Counter("thuky_citations_removed", "Citations removed by verification", registry=r)
        self.llm_fallbacks = Counter("thuky_llm_fallbacks", "Generated answers that fell back to extractive",
                                     registry=r)
        self.searches = Counter("thuky_searches", "Searches served", registry=r)
        self.rate_limited = Counter("thuky_rate_limited", "Requests refused with 429", registry=r)
        self.auth_failures = Counter("thuky_auth_failures", "Requests refused for a missing or invalid credential",
                                     registry=r)
        self.jobs = Counter("thuky_ingest_jobs", "Ingest jobs finished, by outcome", ["status"], registry=r)

    def answer(self, a: Answer) -> None:
        self.answers.labels(a.composer, str(a.form)).inc()
        if a.abstained:
            self.abstentions.inc()
        if a.removed_citations:
            self.verification_failures.inc()
            self.citations_removed.inc(a.removed_citations)
        if a.fallback_reason:
            self.llm_fallbacks.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
