"""Build an addon's README.rst (OCA layout) and static/description/index.html from its
readme/*.md fragments, like OCA's oca-gen-addon-readme (not installable here).

Usage: python3 scripts/gen_readme.py ADDON_DIR   (needs pandoc and docutils)
"""

import ast
import pathlib
import subprocess
import sys

import docutils.core

addon = pathlib.Path(sys.argv[1])
man = ast.literal_eval((addon / "__manifest__.py").read_text())


def rst(name):
    p = addon / "readme" / name
    if not p.exists():
        return ""
    return subprocess.run(
        ["pandoc", "-f", "markdown", "-t", "rst", "--wrap=preserve", str(p)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


title = man["name"]
bar = "=" * len(title)
out = [
    bar,
    title,
    bar,
    "",
    "..\n   Generated from the readme/ fragments: edit those, not this file.",
    "",
    f".. |badge1| image:: https://img.shields.io/badge/maturity-{man.get('development_status','Beta')}-yellow.png",
    "    :target: https://odoo-community.org/page/development-status",
    f"    :alt: {man.get('development_status','Beta')}",
    ".. |badge2| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png",
    "    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "    :alt: License: LGPL-3",
    "",
    "|badge1| |badge2|",
    "",
    rst("DESCRIPTION.md"),
    "",
    "**Table of contents**",
    "",
    ".. contents::",
    "   :local:",
    "",
]
for head, frag in (("Configuration", "CONFIGURE.md"), ("Usage", "USAGE.md")):
    body = rst(frag)
    if body:
        out += [head, "=" * len(head), "", body, ""]
out += [
    "Bug Tracker",
    "===========",
    "",
    "Bugs are tracked in the project's issues; check there whether yours is known.",
    "",
    "Credits",
    "=======",
    "",
    "Authors",
    "-------",
    "",
    f"- {man['author']}",
    "",
]
c = rst("CONTRIBUTORS.md")
if c:
    out += ["Contributors", "------------", "", c, ""]
out += [
    "Maintainers",
    "-----------",
    "",
    f"This module is part of {man['author']}, licensed {man['license']}.",
    "",
]
(addon / "README.rst").write_text("\n".join(out))
html = docutils.core.publish_string(
    "\n".join(out), writer_name="html", settings_overrides={"report_level": 2}
)
(addon / "static" / "description").mkdir(parents=True, exist_ok=True)
# Odoo 17+ warns about an XML declaration in module descriptions
html = html.split(b"?>", 1)[1].lstrip() if html.startswith(b"<?xml") else html
(addon / "static" / "description" / "index.html").write_bytes(html)
