"""A fresh machine: when python3 cannot import Odoo, the README's commands install Odoo
18.0 into a project virtualenv and run from it (scripts/_lib.sh, require_odoo).

The fresh machine is simulated, without network:

- ``python3`` on PATH is a wrapper running this interpreter with ``-S`` (no
  site-packages), so it cannot import Odoo, as on a machine that never had it;
- ``ODOO_SOURCE`` is the Odoo source tree this machine already runs (found from
  ``odoo.__file__`` at run time), seen through a directory of symlinks in a temporary
  directory, so the editable install writes its metadata there and an Odoo imported
  from the new virtualenv is told apart from the machine's own;
- ``WORKSHOP_VENV`` puts the virtualenv in the temporary directory and
  ``WORKSHOP_VENV_SYSTEM_SITE_PACKAGES=1`` creates it with ``--system-site-packages``,
  so Odoo's requirements are found installed instead of downloaded.

Then ``./scripts/demo`` builds its database and serves /web/login from that
virtualenv. Plain pytest tests; the demo one takes about three minutes (the demo
database's install). The demo database is dropped at the end.
"""

import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ODOO_CHECK = "import odoo, odoo.release; assert odoo.release.version_info[0] == 18"
# What the scripts say when they create the virtualenv and install Odoo into it.
CREATING_VENV = "creating the virtualenv"
INSTALLING_ODOO = "installing Odoo (editable)"


def _machine_odoo_source():
    """The source tree of the Odoo this interpreter imports (skip when it has none)."""
    import odoo

    tree = Path(odoo.__file__).resolve().parent.parent
    if not all(
        (tree / name).is_file()
        for name in ("setup.py", "requirements.txt", "odoo/release.py")
    ):
        pytest.skip(f"this machine's Odoo is not installed from a source tree ({tree})")
    return tree


def _clean_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "ODOO_RC", "CI")
        and not k.startswith(("WORKSHOP_", "ODOO_SOURCE"))
    }
    env.update(extra)
    return env


def _lib(code, env, timeout=60):
    """Run bash CODE after sourcing scripts/_lib.sh, as the scripts do."""
    return subprocess.run(
        ["bash", "-c", f"set -euo pipefail; source scripts/_lib.sh; {code}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _free_port():
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def _demo_db_name():
    from odoo.tools import config

    return f"{config.get('db_name') or 'workshop_test'}_bootstrap"


def _drop_database(db):
    """Drop DB and its filestore (Odoo's `db drop`, as scripts/_lib.sh does)."""
    exists = subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            "-w",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{db}'",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if exists.stdout.strip() == "1":
        subprocess.run(
            [sys.executable, "-m", "odoo", "db", "drop", db],
            env=_clean_env(),
            capture_output=True,
            check=True,
        )


@pytest.fixture(scope="module")
def fresh_machine(tmp_path_factory):
    source = _machine_odoo_source()
    root = tmp_path_factory.mktemp("fresh-machine")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "python3"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    wrapper.chmod(0o755)
    # The source tree through symlinks, without its build metadata.
    odoo_source = root / "odoo-src"
    odoo_source.mkdir()
    for entry in source.iterdir():
        if entry.name.endswith(".egg-info") or entry.name in ("build", "dist"):
            continue
        (odoo_source / entry.name).symlink_to(entry)
    venv = root / "venv"
    env = _clean_env(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        ODOO_SOURCE=str(odoo_source),
        WORKSHOP_VENV=str(venv),
        WORKSHOP_VENV_SYSTEM_SITE_PACKAGES="1",
        # The bootstrap runs even when these tests run under CI (.ci/run).
        WORKSHOP_BOOTSTRAP="1",
    )
    return SimpleNamespace(
        root=root, python3=wrapper, odoo_source=odoo_source, venv=venv, env=env
    )


@pytest.fixture(scope="module")
def bootstrapped(fresh_machine):
    """require_odoo on the fresh machine: creates the virtualenv, installs Odoo."""
    started = time.monotonic()
    result = _lib('require_odoo; printf "PY=%s\\n" "$PY"', fresh_machine.env, 900)
    result.seconds = time.monotonic() - started
    return result


def test_python3_of_the_fresh_machine_cannot_import_odoo(fresh_machine):
    result = subprocess.run(
        [fresh_machine.python3, "-c", ODOO_CHECK],
        env=fresh_machine.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "No module named 'odoo'" in result.stderr


def test_odoo_18_is_installed_from_odoo_source_into_a_new_venv(
    fresh_machine, bootstrapped
):
    assert bootstrapped.returncode == 0, bootstrapped.stderr[-4000:]
    venv_python = fresh_machine.venv / "bin" / "python"
    assert f"PY={venv_python}" in bootstrapped.stdout.splitlines()
    assert CREATING_VENV in bootstrapped.stderr
    assert INSTALLING_ODOO in bootstrapped.stderr
    imported = subprocess.run(
        [
            venv_python,
            "-c",
            "import odoo, odoo.release as r; "
            "print(odoo.__file__); print(r.version_info[:2])",
        ],
        env=fresh_machine.env,
        capture_output=True,
        text=True,
        check=True,
    )
    odoo_file, version = imported.stdout.splitlines()
    assert Path(odoo_file).parent == fresh_machine.odoo_source / "odoo"
    assert version == "(18, 0)"


def test_demo_starts_from_the_venv_it_reuses(fresh_machine, bootstrapped):
    assert bootstrapped.returncode == 0, bootstrapped.stderr[-4000:]
    db, port = _demo_db_name(), _free_port()
    _drop_database(db)
    log_path = fresh_machine.root / "demo.log"
    env = dict(fresh_machine.env, WORKSHOP_DEMO_DB=db, WORKSHOP_DEMO_PORT=str(port))
    url = f"http://127.0.0.1:{port}/web/login"
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    status = None
    with open(log_path, "wb") as log:
        demo = subprocess.Popen(
            [REPO_ROOT / "scripts" / "demo"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 900
        while status is None and demo.poll() is None and time.monotonic() < deadline:
            try:
                with no_proxy.open(url, timeout=10) as response:
                    status = response.status
            except (urllib.error.URLError, OSError):
                time.sleep(2)
    finally:
        _stop(demo)
        _drop_database(db)
    log = log_path.read_text(errors="replace")
    assert status == 200, f"the demo did not serve {url}:\n{log[-4000:]}"
    # python3 has no Odoo: the demo ran from the virtualenv, and did not rebuild it
    assert CREATING_VENV not in log
    assert INSTALLING_ODOO not in log


def _stop(process):
    """Ctrl-C for the demo's process group (its EXIT trap cleans up), then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_under_ci_a_missing_odoo_is_an_error_not_an_install(fresh_machine):
    venv = fresh_machine.root / "ci-venv"
    env = dict(fresh_machine.env, CI="true", WORKSHOP_VENV=str(venv))
    del env["WORKSHOP_BOOTSTRAP"]
    result = _lib("require_odoo", env)
    assert result.returncode == 1
    assert "prerequisite missing: Odoo 18.0 Community" in result.stderr
    assert "in CI the scripts do not download and install Odoo" in result.stderr
    assert not venv.exists()


def test_python3_with_odoo_is_used_as_it_is(fresh_machine, tmp_path):
    venv = tmp_path / "venv"
    env = dict(
        fresh_machine.env, WORKSHOP_PYTHON=sys.executable, WORKSHOP_VENV=str(venv)
    )
    result = _lib('require_odoo; printf "PY=%s\\n" "$PY"', env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"PY={sys.executable}"
    assert not venv.exists()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_odoo_source_archive_file_or_url_is_unpacked_once(tmp_path):
    """ODOO_SOURCE as an archive, or its URL (the official archive's path): unpacked
    into the virtualenv's src/odoo and reused by the next run."""
    top = tmp_path / "odoo-18.0.post20250101"
    (top / "odoo").mkdir(parents=True)
    (top / "odoo" / "release.py").write_text(
        "version_info = (18, 0, 0, FINAL, 0, '')\n"
    )
    (top / "setup.py").write_text("")
    (top / "requirements.txt").write_text("")
    archive = tmp_path / "odoo_18.0.latest.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(top, arcname=top.name)
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{archive.name}"
        for source in (str(archive), url):
            src_dir = tmp_path / "venv" / "src"
            shutil.rmtree(src_dir, ignore_errors=True)
            env = _clean_env(
                ODOO_SOURCE=source, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1"
            )
            code = f'odoo_source_tree python3 "{src_dir}"; printf "%s\\n" "$ODOO_TREE"'
            first, again = _lib(code, env), _lib(code, env)
            assert first.returncode == 0, first.stderr
            assert first.stdout.strip() == str(src_dir / "odoo")
            assert (src_dir / "odoo" / "odoo" / "release.py").is_file()
            assert "unpacking" in first.stderr
            assert again.stdout.strip() == str(src_dir / "odoo")
            assert "unpacking" not in again.stderr
    finally:
        server.shutdown()
        server.server_close()
