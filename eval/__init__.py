"""The evaluation harness: suites (JSONL) → run → metrics → report (HTML + plots) → compare runs.

See eval/README.md for the commands and the definition of every metric.
"""
