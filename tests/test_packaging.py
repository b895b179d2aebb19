"""Every addon builds as a wheel the OCA 18.0 way (whool), and the metapackage lists
every addon.

Plain pytest tests: they need no database, but they also run under pytest-odoo in
scripts/test.
"""

import ast
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from whool.buildapi import build_wheel

REPO_ROOT = Path(__file__).resolve().parent.parent
ODOO_SERIES = "18.0"


def _installable_addons():
    addons = []
    for manifest in sorted(REPO_ROOT.glob("*/__manifest__.py")):
        if ast.literal_eval(manifest.read_text(encoding="utf-8")).get(
            "installable", True
        ):
            addons.append(manifest.parent.name)
    return addons


ADDONS = _installable_addons()


def _git(cwd, *args):
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _git_lists_all_of(addon_dir):
    """Whether whool can build ``addon_dir`` as it stands.

    whool packs the files ``git ls-files`` lists and reads the version history with
    ``git log``: on a clone every addon file is committed, but in a working tree an
    addon may be new (untracked) or the repo may have no commit yet.
    """
    if _git(addon_dir, "rev-parse", "--verify", "-q", "HEAD").returncode:
        return False
    tracked = _git(addon_dir, "ls-files", "--", ".")
    untracked = _git(addon_dir, "ls-files", "--others", "--exclude-standard", "--", ".")
    return bool(tracked.stdout.strip()) and not untracked.stdout.strip()


def _snapshot(addon_dir, dest_root):
    """Copy the addon's files (what git would ship: ignored files left out) into a
    one-commit git repository, so whool builds what the addon will be once committed.
    """
    listing = _git(
        addon_dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard"
    )
    if listing.returncode == 0:
        files = [f for f in listing.stdout.split("\0") if f]
    else:  # not in a git work tree at all (an unpacked archive)
        files = [
            str(p.relative_to(addon_dir))
            for p in addon_dir.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ]
    copy = dest_root / addon_dir.name
    for rel in files:
        if (addon_dir / rel).is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(addon_dir / rel, copy / rel)
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=test", "-c", "user.email=test@example.com"]
        + ["commit", "-q", "--no-verify", "-m", "snapshot"],
    ):
        result = _git(copy, *args)
        assert result.returncode == 0, result.stderr
    return copy


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_builds_as_a_wheel(addon, tmp_path, monkeypatch):
    addon_dir = REPO_ROOT / addon
    assert (addon_dir / "pyproject.toml").is_file(), f"{addon}/pyproject.toml missing"
    if not _git_lists_all_of(addon_dir):
        addon_dir = _snapshot(addon_dir, tmp_path / "snapshot")
    wheel_dir = tmp_path / "wheels"
    wheel_dir.mkdir()

    monkeypatch.chdir(addon_dir)  # PEP 517: the backend builds the project in the cwd
    name = build_wheel(str(wheel_dir))

    assert re.fullmatch(
        rf"odoo_addon_{addon}-{re.escape(ODOO_SERIES)}\.[0-9][0-9a-z.]*-py3-none-any\.whl",
        name,
    ), name
    with zipfile.ZipFile(wheel_dir / name) as wheel:
        members = set(wheel.namelist())
    assert f"odoo/addons/{addon}/__manifest__.py" in members
    assert f"odoo/addons/{addon}/__init__.py" in members


def test_metapackage_depends_on_every_addon():
    pyproject = REPO_ROOT / "setup" / "_metapackage" / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]

    assert project["name"] == "odoo-addons-workshop-billing"
    assert project["version"].startswith(f"{ODOO_SERIES}.")
    assert sorted(project["dependencies"]) == [
        f"odoo-addon-{addon}=={ODOO_SERIES}.*" for addon in ADDONS
    ]
