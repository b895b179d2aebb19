# shellcheck shell=bash
# Helpers shared by scripts/demo, scripts/test, scripts/bench and scripts/lint.
# Source it; it does nothing on its own. Odoo 18.0 Community is used from python3 when
# python3 imports it; otherwise require_odoo installs it once into the project
# virtualenv (.venv) from the official 18.0 source (see bootstrap_odoo). Every script
# then runs Odoo and its tools with one interpreter, $PY.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export REPO_ROOT
# odoo-bin sets the server's time zone to UTC before anything else; so do we, since we
# start Odoo as `$PY -m odoo` (the interpreter require_odoo chose).
export TZ=UTC
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '==> %s\n' "$*" >&2; }
die() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

# --- Python and Odoo -----------------------------------------------------------------
# WORKSHOP_PYTHON (default python3): the interpreter to use when it imports Odoo 18,
#   and to build the project virtualenv from when it does not (Python 3.10 to 3.12).
# WORKSHOP_VENV (default .venv at the repo root, ignored by git): that virtualenv.
# ODOO_SOURCE: what to install Odoo from: an Odoo 18.0 source tree (installed editable,
#   in place), a source archive (.tar.gz, .zip, …) or an archive's URL. Default: the
#   official nightly source archive, else a shallow clone of the official 18.0 branch.
# WORKSHOP_BOOTSTRAP: 1 lets the scripts install Odoo (and, as root on Debian/Ubuntu,
#   the system packages its requirements build against, and PostgreSQL); 0 forbids
#   it. Default: 1, except under CI (CI set and not "false"), where a machine without
#   Odoo or PostgreSQL is an error rather than a long download on every run.
# WORKSHOP_VENV_SYSTEM_SITE_PACKAGES=1: create the virtualenv with
#   --system-site-packages (it then reuses packages already installed; the bootstrap
#   test uses it to run without network).

PY="" # chosen once, by require_odoo or use_python
WORKSHOP_VENV=${WORKSHOP_VENV:-$REPO_ROOT/.venv}
case "$WORKSHOP_VENV" in /*) ;; *) WORKSHOP_VENV=$PWD/$WORKSHOP_VENV ;; esac
ODOO_CHECK='import odoo, odoo.release; assert odoo.release.version_info[0] == 18'
ODOO_ARCHIVE_URL=https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz
ODOO_GIT_URL=https://github.com/odoo/odoo
ODOO_GIT_BRANCH=18.0
# What Odoo's requirements.txt builds against on Debian/Ubuntu (python-ldap, psycopg2).
ODOO_DEB_PACKAGES=(libldap2-dev libsasl2-dev libpq-dev build-essential python3-dev)

odoo_importable() { "$1" -c "$ODOO_CHECK" >/dev/null 2>&1; }

# The interpreter named by WORKSHOP_PYTHON (default python3), as a path.
base_python() {
    local name=${WORKSHOP_PYTHON:-python3}
    command -v "$name" 2>/dev/null ||
        die "$name not found (Debian/Ubuntu: apt-get install python3 python3-venv)"
}

bootstrap_allowed() {
    case "${WORKSHOP_BOOTSTRAP:-}" in
    1 | yes | true) return 0 ;;
    0 | no | false) return 1 ;;
    "") ;;
    *) die "WORKSHOP_BOOTSTRAP must be 1 or 0 (it is '$WORKSHOP_BOOTSTRAP')" ;;
    esac
    ! in_ci
}

# Under CI: CI set to anything but empty, 0, false or no (CI services set CI=true).
in_ci() {
    case "${CI:-}" in
    "" | 0 | false | False | FALSE | no) return 1 ;;
    *) return 0 ;;
    esac
}

# Choose $PY, installing Odoo 18.0 into the project virtualenv when no interpreter has
# it: python3 (WORKSHOP_PYTHON) when it imports Odoo 18 (nothing else happens), else the
# virtualenv, created and filled on the first run and reused afterwards.
require_odoo() {
    local base venv_py=$WORKSHOP_VENV/bin/python
    base=$(base_python)
    if odoo_importable "$base"; then
        PY=$base
        return 0
    fi
    if [ -x "$venv_py" ] && odoo_importable "$venv_py"; then
        PY=$venv_py
        return 0
    fi
    if ! bootstrap_allowed; then
        local why=""
        if in_ci && [ -z "${WORKSHOP_BOOTSTRAP:-}" ]; then
            why="CI is set (CI=$CI): in CI the scripts do not download and install Odoo,
       the machine must have it. "
        fi
        die "prerequisite missing: Odoo 18.0 Community, importable by $base
       or installed in the project virtualenv $WORKSHOP_VENV.
       ${why}Install Odoo 18.0 Community into python3 (e.g. an
       editable install of its source), or set WORKSHOP_BOOTSTRAP=1 to let the
       scripts install it into the project virtualenv."
    fi
    bootstrap_odoo "$base"
    PY=$venv_py
}

# Choose $PY without installing anything (scripts/lint): python3 when it imports Odoo,
# else the project virtualenv when it exists, else python3.
use_python() {
    local base
    base=$(base_python)
    PY=$base
    if ! odoo_importable "$base" && [ -x "$WORKSHOP_VENV/bin/python" ]; then
        PY=$WORKSHOP_VENV/bin/python
    fi
}

# bootstrap_odoo BASE_PYTHON: create the project virtualenv from BASE_PYTHON (when
# missing) and install Odoo 18.0 Community into it: the system packages its
# requirements build against, its requirements.txt, then Odoo itself (editable, from
# the source tree odoo_source_tree gives). Safe to run again after a failure.
bootstrap_odoo() {
    local base=$1 venv=$WORKSHOP_VENV lock
    local venv_py=$venv/bin/python
    "$base" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' ||
        die "Odoo 18.0 needs Python 3.10 to 3.12, and $base is $("$base" -V 2>&1).
       Install one (Debian/Ubuntu: apt-get install python3.12 python3.12-venv
       python3.12-dev) and run again with WORKSHOP_PYTHON=python3.12."
    say "Odoo 18.0 is not importable by $base: installing it into the project virtualenv $venv (once; later runs reuse it)"
    mkdir -p "$venv" || die "cannot create $venv"
    # One bootstrap at a time (scripts/demo and scripts/test started together).
    if command -v flock >/dev/null 2>&1; then
        exec {lock}>"$venv/.bootstrap.lock"
        flock "$lock"
        if [ -x "$venv_py" ] && odoo_importable "$venv_py"; then
            exec {lock}>&-
            return 0
        fi
    fi
    ensure_odoo_system_packages "$base"
    # (again over a virtualenv left without pip, e.g. before python3-venv was installed)
    if ! "$venv_py" -m pip --version >/dev/null 2>&1; then
        local args=()
        if [ "${WORKSHOP_VENV_SYSTEM_SITE_PACKAGES:-0}" = 1 ]; then args+=(--system-site-packages); fi
        say "creating the virtualenv $venv${args[*]:+ (${args[*]})}"
        "$base" -m venv "${args[@]}" "$venv" || die "could not create the virtualenv $venv"
        if [ ${#args[@]} -gt 0 ]; then reuse_base_venv_packages "$base" "$venv_py"; fi
    fi
    odoo_source_tree "$base" "$venv/src"
    local src=$ODOO_TREE
    install_odoo_into_venv "$venv_py" "$src"
    if ! odoo_importable "$venv_py"; then
        die "Odoo was installed into $venv but \`$venv_py -c '$ODOO_CHECK'\` still fails."
    fi
    say "Odoo $("$venv_py" -c 'import odoo.release as r; print(r.version)') installed into $venv from $src"
    if [ -n "${lock:-}" ]; then exec {lock}>&-; fi
}

# reuse_base_venv_packages BASE_PYTHON VENV_PYTHON: when BASE_PYTHON is itself a
# virtualenv, --system-site-packages only reaches the interpreter it was made from:
# list BASE_PYTHON's own site-packages in a .pth of the new virtualenv too (plain paths:
# the .pth files there, such as another editable Odoo, are not run).
reuse_base_venv_packages() {
    local base=$1 venv_py=$2 purelib
    purelib=$("$venv_py" -c 'import sysconfig; print(sysconfig.get_path("purelib"))') ||
        die "$venv_py does not run"
    "$base" - >"$purelib/workshop-base-venv.pth" <<'PY' || die "could not read the site-packages of $base"
import site
import sys

if sys.prefix != sys.base_prefix:
    print("\n".join(site.getsitepackages()))
PY
}

# install_odoo_into_venv VENV_PYTHON SOURCE_TREE
install_odoo_into_venv() {
    local venv_py=$1 src=$2 venv
    venv=$(dirname "$(dirname "$venv_py")")
    # One of Odoo's pinned requirements does not build with setuptools 70 or later;
    # PIP_CONSTRAINT reaches pip's isolated build environments too (a -c option would not).
    local constraints=$venv/pip-constraints.txt
    printf '%s\n' '# Written by scripts/_lib.sh for the Odoo 18.0 requirements.' 'setuptools<70' \
        >"$constraints"
    local pip=(env "PIP_CONSTRAINT=${PIP_CONSTRAINT:+$PIP_CONSTRAINT }$constraints"
        "$venv_py" -m pip install --no-input)
    if [ "$(id -u)" -eq 0 ]; then pip+=(--root-user-action=ignore); fi
    say "installing setuptools and wheel into $venv"
    "${pip[@]}" --quiet setuptools wheel || die "could not install setuptools and wheel into $venv"
    say "installing Odoo's requirements ($src/requirements.txt): several minutes the first time"
    "${pip[@]}" -r "$src/requirements.txt" 2>&1 |
        { grep --line-buffered -vE '^(Ignoring |Requirement already satisfied)' || true; } >&2 ||
        die "could not install Odoo's requirements ($src/requirements.txt) into $venv (see pip's output above)"
    say "installing Odoo (editable) from $src"
    "${pip[@]}" --quiet --no-build-isolation --no-deps -e "$src" >&2 ||
        die "could not install Odoo from $src into $venv"
}

# The Debian/Ubuntu packages Odoo's requirements build against (and python3-venv when
# BASE_PYTHON cannot create virtualenvs): installed with apt-get as root; otherwise
# stop and say which to install. Elsewhere (no dpkg) pip reports what is missing.
ensure_odoo_system_packages() {
    local base=$1 pkgs=("${ODOO_DEB_PACKAGES[@]}") missing=() p
    command -v dpkg-query >/dev/null 2>&1 || return 0
    if ! "$base" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        pkgs+=("python$("$base" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv")
    fi
    for p in "${pkgs[@]}"; do
        deb_installed "$p" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then return 0; fi
    apt_install "what Odoo's requirements build against" "${missing[@]}" ||
        die "Odoo's requirements need these Debian/Ubuntu packages: ${missing[*]}
       Install them (sudo apt-get install ${missing[*]}) and run this command again."
}

# deb_installed PACKAGE
deb_installed() {
    # shellcheck disable=SC2016 # ${Status} is dpkg-query's format, not a shell variable
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# apt_install WHAT PACKAGE...: install with apt-get when we may (root, apt-get,
# WORKSHOP_BOOTSTRAP allowed); returns 1 when we may not, stops when apt-get fails.
apt_install() {
    local what=$1 out
    shift
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && bootstrap_allowed || return 1
    say "installing $what with apt-get: $*"
    if ! out=$({ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } 2>&1); then
        printf '%s\n' "$out" >&2
        die "could not install with apt-get: $*"
    fi
}

# odoo_source_tree BASE_PYTHON DIR: set ODOO_TREE to the Odoo 18.0 source tree to
# install from.
# ODOO_SOURCE a directory: that tree, as it is. Otherwise an archive (ODOO_SOURCE's
# file or URL, else the official nightly archive, else a shallow clone of the official
# branch) unpacked into DIR/odoo, kept there for the editable install and reused by a
# later run that asks for the same source.
odoo_source_tree() {
    local base=$1 dir=$2 source=${ODOO_SOURCE:-}
    local tree=$dir/odoo origin=$dir/odoo.origin
    if [ -n "$source" ] && [ -d "$source" ]; then
        tree=$(cd "$source" && pwd -P)
        check_odoo_tree "$tree" "ODOO_SOURCE ($source)"
        ODOO_TREE=$tree
        return 0
    fi
    if [ -n "$source" ] && [ ! -f "$source" ] && ! [[ $source =~ ^https?:// ]]; then
        die "ODOO_SOURCE ($source) is neither a directory, nor an archive file, nor an http(s) URL."
    fi
    local want=${source:-default}
    if [ -d "$tree" ] && [ "$(cat "$origin" 2>/dev/null)" = "$want" ]; then
        ODOO_TREE=$tree
        return 0
    fi
    rm -rf "$tree" "$tree.tmp" "$origin"
    mkdir -p "$dir" || die "cannot create $dir"
    if [ -f "$source" ]; then
        say "unpacking $source"
        unpack_odoo_archive "$base" "$source" "$tree"
    elif [ -n "$source" ]; then
        download_odoo_archive "$base" "$source" "$dir" || die "could not download ODOO_SOURCE ($source)"
    elif ! download_odoo_archive "$base" "$ODOO_ARCHIVE_URL" "$dir"; then
        command -v git >/dev/null 2>&1 ||
            die "could not download Odoo 18.0 ($ODOO_ARCHIVE_URL), and git is not installed
       to clone $ODOO_GIT_URL instead. Download an Odoo 18.0 source archive or tree
       yourself and name it in ODOO_SOURCE."
        say "cloning $ODOO_GIT_URL (branch $ODOO_GIT_BRANCH, shallow) instead"
        git clone --quiet --depth 1 --branch "$ODOO_GIT_BRANCH" "$ODOO_GIT_URL" "$tree.tmp" ||
            die "could not download Odoo 18.0: neither $ODOO_ARCHIVE_URL
       nor $ODOO_GIT_URL answered. Name a local Odoo 18.0 source tree or
       archive in ODOO_SOURCE."
        mv "$tree.tmp" "$tree" || die "cannot move $tree.tmp to $tree"
    fi
    check_odoo_tree "$tree" "${source:-the downloaded source}"
    printf '%s\n' "$want" >"$origin"
    ODOO_TREE=$tree
}

# download_odoo_archive BASE_PYTHON URL DIR: download URL and unpack it into DIR/odoo.
download_odoo_archive() {
    local base=$1 url=$2 dir=$3
    local file=$dir/${url##*/}
    file=${file%%\?*}
    say "downloading $url (a few hundred MB)"
    if command -v curl >/dev/null 2>&1; then
        curl -fL --progress-bar --retry 3 --connect-timeout 30 -o "$file" "$url" || {
            rm -f "$file"
            return 1
        }
    else
        "$base" - "$url" "$file" <<'PY' || { rm -f "$file"; return 1; }
import shutil
import sys
import urllib.request

with urllib.request.urlopen(sys.argv[1], timeout=60) as response:
    with open(sys.argv[2], "wb") as out:
        shutil.copyfileobj(response, out, 1 << 20)
PY
    fi
    say "unpacking ${file##*/}"
    unpack_odoo_archive "$base" "$file" "$dir/odoo"
    rm -f "$file"
}

# unpack_odoo_archive BASE_PYTHON ARCHIVE TREE: unpack a .tar(.gz|.xz|.bz2) or .zip
# source archive so that TREE is its top directory.
unpack_odoo_archive() {
    local base=$1 archive=$2 tree=$3
    rm -rf "$tree.tmp"
    "$base" - "$archive" "$tree.tmp" <<'PY' || die "could not unpack $archive"
import sys
import tarfile
import zipfile

archive, dest = sys.argv[1:]
if zipfile.is_zipfile(archive):
    with zipfile.ZipFile(archive) as z:
        z.extractall(dest)
else:
    with tarfile.open(archive) as t:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+, 3.12
            t.extractall(dest, filter="data")
        else:
            t.extractall(dest)
PY
    local entries=("$tree.tmp"/*)
    if [ ${#entries[@]} -eq 1 ] && [ -d "${entries[0]}" ]; then
        mv "${entries[0]}" "$tree" && rm -rf "$tree.tmp"
    else
        mv "$tree.tmp" "$tree"
    fi || die "could not unpack $archive into $tree"
}

# check_odoo_tree TREE WHAT: stop unless TREE is an Odoo 18.0 source tree.
check_odoo_tree() {
    local tree=$1 what=$2
    if [ -f "$tree/requirements.txt" ] && { [ -f "$tree/setup.py" ] || [ -f "$tree/pyproject.toml" ]; } &&
        grep -Eq '^version_info = \(18, 0,' "$tree/odoo/release.py" 2>/dev/null; then
        return 0
    fi
    die "$what is not an Odoo 18.0 source tree: $tree should hold setup.py,
       requirements.txt and odoo/release.py with version_info = (18, 0, …)."
}

# Odoo started with the interpreter require_odoo chose.
odoo_run() { "$PY" -m odoo "$@"; }

# Names of the installable addons of the repo: every top-level directory holding a
# __manifest__.py (one name a line, sorted).
repo_addons() {
    "$PY" - "$REPO_ROOT" <<'PY'
import ast
import sys
from pathlib import Path

for manifest in sorted(Path(sys.argv[1]).glob("*/__manifest__.py")):
    if ast.literal_eval(manifest.read_text(encoding="utf-8")).get("installable", True):
        print(manifest.parent.name)
PY
}

# --- Python packages -----------------------------------------------------------------

# pip install -r FILE, quietly, only when one of the given import names is missing.
ensure_python_packages() {
    local reqfile=$1
    shift
    local mod missing=()
    for mod in "$@"; do
        "$PY" -c "import $mod" >/dev/null 2>&1 || missing+=("$mod")
    done
    if [ ${#missing[@]} -eq 0 ]; then return 0; fi
    say "installing ${reqfile#"$REPO_ROOT"/} (missing: ${missing[*]})"
    local out pip=("$PY" -m pip install --quiet --no-input -r "$reqfile")
    if [ "$(id -u)" -eq 0 ]; then pip+=(--root-user-action=ignore); fi
    if ! out=$("${pip[@]}" 2>&1); then
        if grep -q externally-managed-environment <<<"$out"; then
            # A distribution-managed python3 (PEP 668): Odoo was installed into it
            # already, so our test tools go to the same place.
            out=$("${pip[@]}" --break-system-packages 2>&1) && return 0
        fi
        printf '%s\n' "$out" >&2
        die "could not install ${reqfile#"$REPO_ROOT"/} with pip"
    fi
}

ensure_test_requirements() {
    local mods=(pytest pytest_odoo whool wheel xlsxwriter openpyxl websocket)
    "$PY" -c 'import tomllib' >/dev/null 2>&1 || mods+=(tomli) # Python 3.10
    ensure_python_packages "$REPO_ROOT/requirements.txt" "${mods[@]}"
}

# Browser tours (HttpCase) need a Chromium that Odoo finds on PATH. Debian's package is
# installed when missing and we may (root with apt-get); otherwise stop and say so.
ensure_chromium() {
    local b
    for b in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$b" >/dev/null 2>&1 && return 0
    done
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's chromium for the browser tours"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
            >/dev/null 2>&1 || die "could not install chromium with apt-get"
        return 0
    fi
    die "the browser tours need Chromium on PATH (Debian/Ubuntu: apt-get install chromium)"
}

# --- PostgreSQL ----------------------------------------------------------------------
# libpq's PGHOST / PGPORT / PGUSER / PGPASSWORD are honoured throughout: by these
# helpers, by psql and by Odoo (psycopg2 reads them too).

pg_local() {
    case "${PGHOST:-}" in
    "" | /* | localhost | 127.0.0.1 | ::1) return 0 ;;
    *) return 1 ;;
    esac
}

pg_wait_ready() {
    local _
    for _ in $(seq 1 30); do
        pg_isready -q && return 0
        sleep 1
    done
    return 1
}

# Run a command as the postgres OS user (we are root here).
as_postgres() {
    if command -v runuser >/dev/null 2>&1; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
    fi
}

# Start (or create, then start) a local Debian cluster; exports PGPORT to its port
# when PGPORT was not set, so that every client below talks to it.
pg_start_debian_cluster() {
    local ver name port status line chosen=""
    # "ver name port status ..." lines, newest version first.
    while read -r ver name port status _; do
        if [ -n "${PGPORT:-}" ] && [ "$port" != "$PGPORT" ]; then continue; fi
        line="$ver $name $port $status"
        if [ -z "$chosen" ] || [ "$port" = 5432 ]; then
            chosen=$line
        fi
    done < <(pg_lsclusters --no-header 2>/dev/null | sort -k1,1nr)

    if [ -z "$chosen" ] && [ -n "$(pg_lsclusters --no-header 2>/dev/null)" ]; then
        die "PostgreSQL is not reachable and no local cluster listens on port $PGPORT
       (pg_lsclusters). Start the right server, or unset/fix PGPORT."
    fi
    if [ -z "$chosen" ]; then
        ver=$(pg_newest_server_version)
        [ -n "$ver" ] || pg_die_no_server
        [ "$(id -u)" -eq 0 ] ||
            die "no PostgreSQL cluster exists; as root run: pg_createcluster $ver main --start"
        say "creating PostgreSQL cluster $ver/main"
        pg_createcluster ${PGPORT:+--port "$PGPORT"} "$ver" main >/dev/null ||
            die "pg_createcluster $ver main failed"
        chosen=$(pg_lsclusters --no-header "$ver" main | awk '{print $1, $2, $3, $4}')
    fi
    read -r ver name port status <<<"$chosen"
    if [ "$status" != online ]; then
        say "starting PostgreSQL cluster $ver/$name (port $port)"
        if [ "$(id -u)" -eq 0 ]; then
            pg_ctlcluster "$ver" "$name" start ||
                die "pg_ctlcluster $ver $name start failed (see /var/log/postgresql/)"
        else
            pg_ctlcluster "$ver" "$name" start 2>/dev/null ||
                die "PostgreSQL cluster $ver/$name is down; start it: sudo pg_ctlcluster $ver $name start"
        fi
    fi
    [ -n "${PGPORT:-}" ] || export PGPORT=$port
}

pg_newest_server_version() {
    local d
    for d in /usr/lib/postgresql/*/bin/postgres; do
        if [ -x "$d" ]; then basename "$(dirname "$(dirname "$d")")"; fi
    done | sort -n | tail -n 1
}

pg_die_no_server() {
    die "prerequisite missing: a PostgreSQL server (>= 13).
       No PostgreSQL server binaries were found (/usr/lib/postgresql/*/bin/postgres).
       Install one (Debian/Ubuntu: apt-get install postgresql) or point PGHOST/PGPORT
       at a running server, then run this command again."
}

# Install PostgreSQL with apt-get when we may (root on Debian/Ubuntu, bootstrap
# allowed: see WORKSHOP_BOOTSTRAP): the server for a local PGHOST, else the client
# tools only. Returns 1 when we may not.
install_postgresql() {
    if pg_local; then
        apt_install "PostgreSQL" postgresql
    else
        apt_install "the PostgreSQL client tools" postgresql-client
    fi
}

ensure_postgres() {
    if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
        install_postgresql ||
            die "prerequisite missing: the PostgreSQL client tools (psql, pg_isready).
       Debian/Ubuntu: apt-get install postgresql (server and client)."
    fi
    if ! pg_isready -q; then
        pg_local || die "PostgreSQL at ${PGHOST}:${PGPORT:-5432} is not reachable (pg_isready failed)."
        if [ -z "$(pg_newest_server_version)" ] && ! command -v postgres >/dev/null 2>&1; then
            install_postgresql || pg_die_no_server
        fi
        if command -v pg_lsclusters >/dev/null 2>&1; then
            pg_start_debian_cluster
        else
            die "PostgreSQL is not running and this is not a Debian-style install
       (no pg_ctlcluster): start your PostgreSQL server, or set PGHOST/PGPORT."
        fi
        pg_wait_ready || die "PostgreSQL did not become ready (pg_isready still fails)."
    fi
    ensure_pg_role
}

# The database role Odoo connects as: PGUSER, else the OS user (libpq's default).
pg_role() { printf '%s' "${PGUSER:-$(id -un)}"; }

ensure_pg_role() {
    local role
    role=$(pg_role)
    [ "$role" != postgres ] ||
        die "Odoo refuses to connect as the 'postgres' role; set PGUSER to another role."
    psql -X -q -w -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 && return 0
    if [ "$(id -u)" -eq 0 ] && pg_local && id postgres >/dev/null 2>&1; then
        say "creating PostgreSQL role '$role' (CREATEDB, as Odoo's docs do)"
        local exists
        exists=$(as_postgres psql -X -q -w ${PGPORT:+-p "$PGPORT"} -d postgres -tA \
            -v role="$role" <<<"SELECT 1 FROM pg_roles WHERE rolname = :'role';") ||
            die "could not connect to PostgreSQL as the postgres OS user"
        if [ "$exists" != 1 ]; then
            as_postgres createuser ${PGPORT:+-p "$PGPORT"} --createdb "$role" ||
                die "could not create the PostgreSQL role '$role'"
        fi
        psql -X -q -w -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 && return 0
    fi
    die "cannot connect to PostgreSQL as role '$role':
$(psql -X -q -w -d postgres -tAc 'SELECT 1' 2>&1 | sed 's/^/       /')
       Create the role (sudo -u postgres createuser --createdb '$role') or set
       PGUSER/PGPASSWORD to a role that can create databases."
}

pg_database_exists() {
    [ "$(psql -X -q -w -d postgres -tA -v db="$1" \
        <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")" = 1 ]
}

# --- Odoo configuration and databases ------------------------------------------------

free_port() {
    "$PY" - "$1" <<'PY'
import socket
import sys

port = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            port += 1
            continue
    print(port)
    break
PY
}

# write_odoo_config FILE DB HTTP_PORT [ADDONS_DIR...]: a throw-away Odoo config for
# scripted runs; the addons path is the repo, then the given directories.
write_odoo_config() {
    local addons_path=$REPO_ROOT dir
    for dir in "${@:4}"; do addons_path+=",$dir"; done
    {
        echo "[options]"
        echo "addons_path = $addons_path"
        echo "db_name = $2"
        echo "dbfilter = ^$2\$"
        echo "http_port = $3"
        echo "without_demo = all"
        echo "log_level = warn"
        if [ -n "${PGHOST:-}" ]; then echo "db_host = $PGHOST"; fi
        if [ -n "${PGPORT:-}" ]; then echo "db_port = $PGPORT"; fi
        if [ -n "${PGUSER:-}" ]; then echo "db_user = $PGUSER"; fi
        if [ -n "${PGPASSWORD:-}" ]; then echo "db_password = $PGPASSWORD"; fi
    } >"$1"
}

# run_odoo_logged LOGFILE ODOO_ARGS...: run Odoo, show and keep its log, and fail when
# it exits non-zero or logs an ERROR or CRITICAL line.
run_odoo_logged() {
    local log=$1 rc=0
    shift
    odoo_run "$@" 2>&1 | tee "$log" || rc=$?
    local bad
    bad=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" || true)
    if [ "$rc" -ne 0 ] || [ -n "$bad" ]; then
        [ -z "$bad" ] || printf '\nERROR/CRITICAL lines in the log:\n%s\n' "$bad" >&2
        die "Odoo failed: exit code $rc, $(grep -c . <<<"$bad") ERROR/CRITICAL log line(s)."
    fi
}

# fresh_database CONFIG DB [EXTRA_MODULES]: drop DB (and its filestore) and install
# every addon of the repo (and EXTRA_MODULES) into a new one, without demo data.
fresh_database() {
    local cfg=$1 db=$2 log addons
    addons=$(repo_addons | paste -sd, -)
    # EXTRA_MODULES (optional): more modules to install, comma-separated
    if [ -n "${3:-}" ]; then addons=${addons:+$addons,}$3; fi
    if pg_database_exists "$db"; then
        say "dropping database $db"
        local out
        out=$(odoo_run db -c "$cfg" drop "$db" 2>&1) || {
            printf '%s\n' "$out" >&2
            die "could not drop database $db"
        }
    fi
    say "creating database $db with: ${addons:-base (the repo has no addons yet)}"
    log="$(dirname "$cfg")/install.log"
    run_odoo_logged "$log" -c "$cfg" -d "$db" -i "${addons:-base}" \
        --without-demo=all --stop-after-init --log-level=warn
    # A new database has no planner statistics; without them some accounting
    # queries pick nested loops over whole tables. Production databases are
    # analysed by autovacuum; tests and benchmarks should not run slower.
    psql -q -d "$db" -c "ANALYZE" >/dev/null || die "could not ANALYZE database $db"
}

# run_pytest CONFIG DB DEFAULT_PATHS... -- USER_ARGS...: pytest with pytest-odoo on DB;
# the default paths are replaced when the user names test paths of their own.
run_pytest() {
    local cfg=$1 db=$2
    shift 2
    local defaults=() user=() arg own_paths=0
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        defaults+=("$1")
        shift
    done
    if [ $# -gt 0 ]; then shift; fi
    for arg in "$@"; do
        user+=("$arg")
        case "$arg" in -*) continue ;; esac
        if [ -e "${arg%%::*}" ]; then own_paths=1; fi
    done
    if [ "$own_paths" -eq 1 ]; then defaults=(); fi
    local rc=0
    "$PY" -m pytest -c "$REPO_ROOT/pytest.ini" --rootdir="$REPO_ROOT" \
        --odoo-config="$cfg" --odoo-database="$db" --odoo-http \
        "${defaults[@]}" "${user[@]}" || rc=$?
    if [ "$rc" -eq 5 ]; then
        printf '\nERROR: pytest collected no tests: that counts as a failure.\n' >&2
    fi
    return "$rc"
}
