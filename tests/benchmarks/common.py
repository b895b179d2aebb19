"""What every benchmark writes next to its printed figures."""

import json
import os
import platform

from odoo import fields, release


def write_results(path, benchmark, repeat, echo=print, **figures):
    """Print the load of the run and write ``figures`` to ``path`` (JSON) with
    what makes them comparable: date, Odoo and Python versions, repeats (the
    statistic is the median), load average and cores."""
    load = os.getloadavg()[0]
    echo(f"load average during the run: {load:.2f} ({os.cpu_count()} CPUs)")
    path.parent.mkdir(parents=True, exist_ok=True)
    header = {
        "benchmark": benchmark,
        "date": fields.Date.to_string(fields.Date.today()),
        "odoo": release.version,
        "python": platform.python_version(),
        "repeat": repeat,
        "statistic": "median",
        "load_average_1min": round(load, 2),
        "cpus": os.cpu_count(),
    }
    path.write_text(
        json.dumps(dict(header, **figures), indent=2) + "\n", encoding="utf-8"
    )
