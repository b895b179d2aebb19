"""Invoice race over XML-RPC against a real Odoo server (RELIABILITY.md, test 1).

20 ``action_create_invoice`` calls on one job, from 4 client threads, against a
separate Odoo server process (same database, its own port): the job gets exactly one
invoice, every call answers with that invoice and none of them fails.

The test runs under pytest-odoo (``scripts/test``), which has initialised Odoo in
this process: it commits its data (a job ready to invoice, a billing user) with real
cursors, starts ``python3 -m odoo`` on the same database, runs the race, counts the
invoices in the database, then stops the server and removes its data. The server is
run twice: prefork (2 HTTP worker processes, Odoo's production mode) and threaded.
A server that does not start is a failure, never a skip.
"""

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests.common import get_db_name
from odoo.tools import config

CALLS = 20
THREADS = 4
SERVER_START_TIMEOUT = 180  # seconds: each worker loads the registry on its own


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------------
# committed data
# ----------------------------------------------------------------------------
def _prepare_data(dbname):
    """Commit a job ready to invoice (done, 3 billable lines) and a user with
    billing rights only; return the ids and the user's credentials."""
    token = secrets.token_hex(4)
    password = secrets.token_urlsafe(18)
    with Registry(dbname).cursor() as cr:  # commits on exit
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        partner = env["res.partner"].create(
            {"name": f"Race Customer {token}", "is_company": True}
        )
        part = env["product.product"].create(
            {"name": f"Race part {token}", "type": "consu", "list_price": 19.0}
        )
        user = env["res.users"].create(
            {
                "name": f"Race Biller {token}",
                "login": f"ws_race_{token}",
                "email": f"ws_race_{token}@example.com",  # chatter posts need an author
                "password": password,
                "groups_id": [
                    Command.set(
                        [
                            env.ref("base.group_user").id,
                            env.ref("account.group_account_invoice").id,
                        ]
                    )
                ],
            }
        )
        job = env["workshop.job"].create(
            {
                "partner_id": partner.id,
                "client_order_ref": f"RACE-{token}",
                "scheduled_datetime": "2026-11-20 08:00:00",
                "technician_ids": [Command.set(env.ref("base.user_admin").ids)],
                "line_ids": [
                    Command.create(
                        {"kind": "part", "product_id": part.id, "quantity": 2}
                    ),
                    Command.create(
                        {
                            "kind": "labour",
                            "product_id": env.ref(
                                "workshop_job_card.product_labour_hour"
                            ).id,
                            "quantity": 1.5,
                        }
                    ),
                    Command.create(
                        {
                            "kind": "travel",
                            "product_id": env.ref(
                                "workshop_job_card.product_travel_km"
                            ).id,
                            "quantity": 42,
                        }
                    ),
                ],
            }
        )
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        job.resolution = "<p>Race test.</p>"
        job.action_done()
        assert job.invoice_status == "to_invoice", job.invoice_status
        assert not job.has_invoice_exception, job.invoice_exception
        return {
            "job_id": job.id,
            "partner_id": partner.id,
            "product_id": part.id,
            "user_id": user.id,
            "user_partner_id": user.partner_id.id,
            "login": user.login,
            "password": password,
        }


def _count_invoices(dbname, job_id):
    """(moves linked to the job, moves holding its lines, invoice lines per job line
    at most) read in a fresh transaction."""
    with contextlib.closing(Registry(dbname).cursor()) as cr:
        cr.execute(
            "SELECT count(*) FROM account_move WHERE workshop_job_id = %s", [job_id]
        )
        by_job = cr.fetchone()[0]
        cr.execute(
            """
            SELECT count(DISTINCT aml.move_id), coalesce(max(per_line.n), 0)
              FROM account_move_line aml
              JOIN workshop_job_line jl ON jl.id = aml.workshop_job_line_id
              LEFT JOIN LATERAL (
                    SELECT count(*) AS n FROM account_move_line x
                     WHERE x.workshop_job_line_id = jl.id) per_line ON TRUE
             WHERE jl.job_id = %s
            """,
            [job_id],
        )
        by_lines, max_per_line = cr.fetchone()
    return by_job, by_lines, max_per_line


def _cleanup(dbname, data):
    """Remove the job, its invoices and the test records (best effort: the
    partner, product and user carry a unique token, leftovers are harmless)."""
    with Registry(dbname).cursor() as cr:
        cr.execute(
            """
            SELECT id FROM account_move WHERE workshop_job_id = %(job)s
            UNION
            SELECT aml.move_id FROM account_move_line aml
              JOIN workshop_job_line jl ON jl.id = aml.workshop_job_line_id
             WHERE jl.job_id = %(job)s
            """,
            {"job": data["job_id"]},
        )
        move_ids = [row[0] for row in cr.fetchall()]
        # SQL on purpose: the ORM (rightly) refuses to delete invoiced jobs.
        for model, ids in (
            ("account.move", move_ids),
            ("workshop.job", [data["job_id"]]),
        ):
            if ids:
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                    [model, tuple(ids)],
                )
                cr.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                    [model, tuple(ids)],
                )
        if move_ids:
            cr.execute("DELETE FROM account_move WHERE id IN %s", [tuple(move_ids)])
        cr.execute("DELETE FROM workshop_job WHERE id = %s", [data["job_id"]])
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.invalidate_all()
        for model, rec_id in (
            ("res.users", data["user_id"]),
            ("product.product", data["product_id"]),
            ("res.partner", data["partner_id"]),
            ("res.partner", data["user_partner_id"]),
        ):
            record = env[model].browse(rec_id).exists()
            try:
                with cr.savepoint():
                    record.unlink()
            except Exception:  # noqa: BLE001 - referenced elsewhere: archive it instead
                record.write({"active": False})


# ----------------------------------------------------------------------------
# the server
# ----------------------------------------------------------------------------
class OdooServer:
    """``python3 -m odoo`` on the test database and a free port."""

    def __init__(self, dbname, workers, logdir):
        self.dbname = dbname
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = Path(logdir) / f"odoo-{workers}w.log"
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            "server",
            f"--database={dbname}",
            f"--db-filter=^{re.escape(dbname)}$",
            f"--addons-path={config['addons_path']}",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={_free_port()}",
            f"--workers={workers}",
            "--max-cron-threads=0",
            "--without-demo=all",
            "--log-level=warn",
            # the replays of serialization failures are logged at INFO here
            "--log-handler=odoo.service.model:INFO",
            f"--logfile={self.logfile}",
        ]
        if config.rcfile and os.path.isfile(config.rcfile):
            cmd.insert(4, f"--config={config.rcfile}")
        for key in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(key):
                cmd.append(f"--{key}={config[key]}")
        self.cmd = cmd
        self.proc = None
        self._stderr = None

    def start(self):
        env = dict(os.environ, TZ="UTC")
        self._stderr = open(self.logfile.with_suffix(".stderr"), "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            self.cmd,
            cwd=tempfile.gettempdir(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            start_new_session=True,
        )

    def log_tail(self, lines=40):
        text = ""
        for path in (self.logfile, self.logfile.with_suffix(".stderr")):
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, login, password):
        """Wait until the server answers and authenticates the user; return the uid."""
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        last_error = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(
                    f"the Odoo server exited with code {self.proc.returncode} "
                    f"before answering:\n{' '.join(self.cmd)}\n{self.log_tail()}"
                )
            try:
                common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
                uid = common.authenticate(self.dbname, login, password, {})
                if uid:
                    return uid
                last_error = "authenticate returned False"
            except (OSError, xmlrpc.client.Error) as exc:
                last_error = exc
            time.sleep(0.5)
        pytest.fail(
            f"the Odoo server did not answer within {SERVER_START_TIMEOUT}s "
            f"({last_error}):\n{' '.join(self.cmd)}\n{self.log_tail()}"
        )

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # graceful: the prefork master stops its workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the session we started
                self.proc.wait(timeout=10)
        if self._stderr:
            self._stderr.close()

    def replays(self):
        """Serialization failures the server rolled back and replayed."""
        if not self.logfile.exists():
            return 0
        return len(
            re.findall(
                r"tries left, try again", self.logfile.read_text(errors="replace")
            )
        )


# ----------------------------------------------------------------------------
# the race
# ----------------------------------------------------------------------------
def _warm_up(server, uid, data):
    """Concurrent reads first, so that every worker has loaded the registry and
    the race itself runs in parallel (a cold prefork worker takes seconds)."""
    start = threading.Barrier(THREADS)

    def client():
        proxy = xmlrpc.client.ServerProxy(
            f"{server.url}/xmlrpc/2/object", allow_none=True
        )
        start.wait()
        for _i in range(2):
            proxy.execute_kw(
                server.dbname,
                uid,
                data["password"],
                "workshop.job",
                "read",
                [[data["job_id"]], ["state", "invoice_status"]],
            )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for future in [pool.submit(client) for _i in range(THREADS)]:
            future.result()


def _race(server, uid, data):
    """20 calls from 4 threads started together; return [(ok, res_id or error)]."""
    start = threading.Barrier(THREADS)
    calls_per_thread = CALLS // THREADS

    def client():
        proxy = xmlrpc.client.ServerProxy(
            f"{server.url}/xmlrpc/2/object", allow_none=True
        )
        start.wait()
        results = []
        for _i in range(calls_per_thread):
            try:
                action = proxy.execute_kw(
                    server.dbname,
                    uid,
                    data["password"],
                    "workshop.job",
                    "action_create_invoice",
                    [[data["job_id"]]],
                )
                results.append((True, action.get("res_id")))
            except (OSError, xmlrpc.client.Error) as exc:
                results.append((False, str(exc)[:300]))
        return results

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(client) for _i in range(THREADS)]
        return [result for future in futures for result in future.result()]


@pytest.mark.parametrize("workers", [2, 0], ids=["prefork-2-workers", "threaded"])
def test_invoice_race_over_xmlrpc_creates_one_invoice(workers):
    dbname = get_db_name()
    data = _prepare_data(dbname)
    with tempfile.TemporaryDirectory(prefix="ws-race-") as logdir:
        server = OdooServer(dbname, workers, logdir)
        try:
            server.start()
            uid = server.wait_ready(data["login"], data["password"])
            _warm_up(server, uid, data)
            started = time.monotonic()
            results = _race(server, uid, data)
            elapsed = time.monotonic() - started
            by_job, by_lines, max_per_line = _count_invoices(dbname, data["job_id"])
            failures = [res for ok, res in results if not ok]
            res_ids = {res for ok, res in results if ok}
            print(
                f"\ninvoice race [{'prefork, 2 workers' if workers else 'threaded'}]: "
                f"{len(results)} calls from {THREADS} threads in {elapsed:.2f}s -> "
                f"invoices for the job = {by_job} (by lines: {by_lines}), "
                f"max invoice lines per job line = {max_per_line}, "
                f"failed calls = {len(failures)}, "
                f"server replays (serialization failures) = {server.replays()}"
            )
        finally:
            server.stop()
            server_log = server.log_tail()
            _cleanup(dbname, data)
    assert len(results) == CALLS
    assert by_job == 1, f"invoices for the job: {by_job}\n{server_log}"
    assert by_lines == 1, f"invoices holding the job's lines: {by_lines}"
    assert max_per_line == 1, "a job line was billed twice"
    assert not failures, f"{len(failures)} call(s) failed: {failures[:3]}\n{server_log}"
    assert (
        len(res_ids) == 1 and None not in res_ids
    ), f"every call answers with the one invoice, got {res_ids}"
