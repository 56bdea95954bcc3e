"""Every module of the web client, and the service worker as served, parses as JavaScript (Node's own parser, when
Node is installed): one stray parenthesis in one module stops the whole client from loading in a browser, which the
browser tests (slow) would only show as a timeout."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from api import pwa
from api.web import STATIC_DIR

NODE = shutil.which("node")
MODULES = sorted((STATIC_DIR / "js").glob("*.js"))
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed: the browser tests check the client")


def _check(path) -> subprocess.CompletedProcess:
    return subprocess.run([NODE, "--experimental-default-type=module", "--check", str(path)], capture_output=True,
                          text=True, timeout=60)


@needs_node
@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_client_module_parses(module):
    done = _check(module)
    assert done.returncode == 0, done.stderr


@needs_node
def test_service_worker_parses(tmp_path):
    sw = tmp_path / "sw.js"
    sw.write_text(pwa.service_worker_source(STATIC_DIR), encoding="utf-8")
    done = _check(sw)
    assert done.returncode == 0, done.stderr


@needs_node
def test_the_check_catches_a_stray_parenthesis(tmp_path):
    bad = tmp_path / "bad.js"
    bad.write_text('export const x = [1, 2]);\n', encoding="utf-8")
    assert _check(bad).returncode != 0
