"""``thuky users …`` and ``thuky keys …`` as an administrator runs them; the accounts they make work over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def cli(home, *args, stdin: str | None = None, **env) -> Result:
    """The command in-process (typer's runner), with a clean THUKY_* environment."""
    from typer.testing import CliRunner

    from thuky.cli import app
    from thuky.settings import get_settings

    clean = {k: None for k in os.environ if k.startswith("THUKY_")}
    clean.update({"THUKY_HOME": str(home), "THUKY_DENSE": "0", "COLUMNS": "200", **env})
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, list(args), input=stdin, env=clean)
    finally:
        get_settings.cache_clear()
    return Result(r.exit_code, r.stdout, r.stderr)


def cli_process(home, *args, **env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("THUKY_")}
    full.update({"THUKY_HOME": str(home), "THUKY_DENSE": "0", "COLUMNS": "200", **env})
    return subprocess.run([sys.executable, "-m", "thuky.cli", *args], capture_output=True, text=True, env=full,
                          cwd=REPO, timeout=120)


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def app_client(home):
    from thuky.runtime import Runtime
    from tests.api.conftest import api_settings

    return TestClient(Runtime(api_settings(home, preload_index=False)).app())


def test_init_admin_prints_a_generated_password_once(home):
    first = cli_process(home, "users", "init-admin")  # as `make run` runs it
    assert first.returncode == 0, first.stderr
    m = re.search(r"password \(shown once, store it now\): (\S+)", first.stdout)
    assert m and "admin" in first.stdout
    second = cli(home, "users", "init-admin")
    assert second.returncode == 0 and "exists already" in second.stdout and m.group(1) not in second.stdout
    c = app_client(home)
    r = c.post("/v1/auth/login", json={"username": "admin", "password": m.group(1)})
    assert r.status_code == 200 and r.json()["user"]["role"] == "admin"


def test_init_admin_takes_the_password_from_the_environment(home):
    r = cli(home, "users", "init-admin", THUKY_ADMIN_PASSWORD="mat-khau-quan-tri", THUKY_ADMIN_USERNAME="quantri")
    assert r.returncode == 0 and "quantri" in r.stdout and "mat-khau-quan-tri" not in r.stdout
    c = app_client(home)
    assert c.post("/v1/auth/login", json={"username": "quantri", "password": "mat-khau-quan-tri"}).status_code == 200


def test_users_add_list_role_disable(home):
    r = cli(home, "users", "add", "thamphan.an", "--role", "judge", "--password-stdin", stdin="mat-khau-tham-phan\n")
    assert r.returncode == 0, r.stderr
    r = cli(home, "users", "add", "thuky.binh", "--role", "clerk", "--generate")
    generated = re.search(r"password \(shown once\): (\S+)", r.stdout).group(1)
    listed = cli(home, "users", "list").stdout
    assert "thamphan.an" in listed and "thuky.binh" in listed and "clerk" in listed
    assert "mat-khau" not in listed and generated not in listed
    c = app_client(home)
    assert c.post("/v1/auth/login", json={"username": "thuky.binh", "password": generated}).status_code == 200
    assert cli(home, "users", "role", "thuky.binh", "evaluator").returncode == 0
    token = c.post("/v1/auth/login", json={"username": "thuky.binh", "password": generated}).json()["token"]
    assert c.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["role"] == "evaluator"
    assert cli(home, "users", "disable", "thuky.binh").returncode == 0
    assert c.post("/v1/auth/login", json={"username": "thuky.binh", "password": generated}).status_code == 401
    assert cli(home, "users", "passwd", "thamphan.an", "--password-stdin", stdin="mat-khau-moi-123\n").returncode == 0
    assert c.post("/v1/auth/login", json={"username": "thamphan.an", "password": "mat-khau-moi-123"}
                  ).status_code == 200


@pytest.mark.parametrize("args,stdin,message", [
    (["users", "add", "x1", "--role", "boss", "--generate"], None, "unknown role"),
    (["users", "add", "Bad Name!", "--generate"], None, "invalid username"),
    (["users", "add", "ngan", "--password-stdin"], "123\n", "at least 8"),
    (["users", "role", "khong-co", "judge"], None, "no user"),
    (["keys", "create", "--user", "khong-co", "--name", "x"], None, "no user"),
    (["keys", "revoke", "999"], None, "no API key"),
])
def test_errors_are_one_line_and_exit_non_zero(home, args, stdin, message):
    r = cli(home, *args, stdin=stdin)
    assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr, (r.stdout, r.stderr)


def test_duplicate_user_is_refused(home):
    assert cli(home, "users", "add", "an", "--generate").returncode == 0
    r = cli(home, "users", "add", "an", "--generate")
    assert r.returncode == 1 and "already exists" in r.stderr


def test_keys_create_list_revoke(home):
    assert cli(home, "users", "add", "phanmem", "--role", "clerk", "--generate").returncode == 0
    r = cli(home, "keys", "create", "--user", "phanmem", "--name", "Phần mềm quản lý án")
    assert r.returncode == 0, r.stderr
    key = r.stdout.strip().splitlines()[-1]
    assert key.startswith("tkk_")
    c = app_client(home)
    me = c.get("/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json() == {"username": "phanmem", "role": "clerk", "via": "key"}
    listed = cli(home, "keys", "list", "--user", "phanmem").stdout
    assert "Phần mềm quản lý án" in listed and key not in listed and key[:10] in listed
    key_id = re.search(r"API key (\d+)", r.stdout).group(1)
    assert cli(home, "keys", "revoke", key_id).returncode == 0
    c.app.state.services.forget_principals()
    assert c.get("/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert "yes" in cli(home, "keys", "list").stdout
