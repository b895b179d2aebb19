"""One worker process of ``test_bench_contract`` (not a test: run by it).

Loads the Odoo registry of the benchmark database in a process of its own (its
own interpreter, so several workers really run in parallel), says ``ready`` on
stdout, waits for a line on stdin, runs one billing engine as its scheduled
action would (superuser, no special context), commits, and prints one JSON line:
wall and CPU seconds of this process and the SQL queries it sent.

``ours``: ``workshop.contract._cron_recurring_invoice`` (it commits per batch and
posts the invoices itself). ``oca``: ``contract.contract``'s
``cron_recurring_create_invoice`` (one transaction, draft invoices), then
``action_post`` on the invoices it created, as a user posting them would.

Usage: ``python3 contract_bench_worker.py CONFIG DATABASE ours|oca YYYY-MM-DD``
"""

import json
import sys
import time


def _run(registry, engine, day):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if engine == "ours":
            env["workshop.contract"]._cron_recurring_invoice(date_ref=day)
        else:
            cr.execute("SELECT coalesce(max(id), 0) FROM account_move")
            last_id = cr.fetchone()[0]
            env["contract.contract"].cron_recurring_create_invoice(date_ref=day)
            env["account.move"].search(
                [
                    ("id", ">", last_id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "draft"),
                ]
            ).action_post()
        cr.commit()


def main(config_file, database, engine, day):
    import odoo
    from odoo import fields, sql_db
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", config_file, "-d", database, "--log-level=warn"])
    odoo.service.server.load_server_wide_modules()
    registry = Registry(database)
    print(json.dumps({"ready": True}), flush=True)  # noqa: T201
    sys.stdin.readline()

    queries = sql_db.sql_counter
    wall, cpu = time.perf_counter(), time.process_time()
    _run(registry, engine, fields.Date.to_date(day))
    result = {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "queries": sql_db.sql_counter - queries,
    }
    print(json.dumps(result), flush=True)  # noqa: T201


if __name__ == "__main__":
    main(*sys.argv[1:5])
