# shellcheck shell=bash
# Helpers shared by scripts/demo, scripts/test, scripts/bench and scripts/lint.
# Source it; it does nothing on its own. Odoo itself is a prerequisite: these helpers
# only check that it is importable and stop with a clear message when it is not.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export REPO_ROOT
# odoo-bin sets the server's time zone to UTC before anything else; so do we, since we
# start Odoo as `python3 -m odoo` (the same interpreter the prerequisite check uses).
export TZ=UTC
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '==> %s\n' "$*" >&2; }
die() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

# --- Odoo ----------------------------------------------------------------------------

require_odoo() {
    local check='import odoo, odoo.release; assert odoo.release.version_info[0] == 18'
    if ! python3 -c "$check" >/dev/null 2>&1; then
        die "prerequisite missing: Odoo 18.0 Community importable by python3.
       \`python3 -c '$check'\` failed (python3 is $(command -v python3 || echo 'not found')).
       Install Odoo 18.0 Community into this python3 (e.g. an editable install of
       its source), then run this command again."
    fi
}

# Odoo started with the interpreter that passed require_odoo.
odoo_run() { python3 -m odoo "$@"; }

# Names of the installable addons of the repo: every top-level directory holding a
# __manifest__.py (one name a line, sorted).
repo_addons() {
    python3 - "$REPO_ROOT" <<'PY'
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
        python3 -c "import $mod" >/dev/null 2>&1 || missing+=("$mod")
    done
    if [ ${#missing[@]} -eq 0 ]; then return 0; fi
    say "installing ${reqfile#"$REPO_ROOT"/} (missing: ${missing[*]})"
    local out pip=(python3 -m pip install --quiet --no-input -r "$reqfile")
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
    python3 -c 'import tomllib' >/dev/null 2>&1 || mods+=(tomli) # Python 3.10
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

ensure_postgres() {
    if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
        die "prerequisite missing: the PostgreSQL client tools (psql, pg_isready).
       Debian/Ubuntu: apt-get install postgresql (server and client)."
    fi
    if ! pg_isready -q; then
        pg_local || die "PostgreSQL at ${PGHOST}:${PGPORT:-5432} is not reachable (pg_isready failed)."
        if command -v pg_lsclusters >/dev/null 2>&1; then
            pg_start_debian_cluster
        elif [ -z "$(pg_newest_server_version)" ] && ! command -v postgres >/dev/null 2>&1; then
            pg_die_no_server
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
    python3 - "$1" <<'PY'
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
    python3 -m pytest -c "$REPO_ROOT/pytest.ini" --rootdir="$REPO_ROOT" \
        --odoo-config="$cfg" --odoo-database="$db" --odoo-http \
        "${defaults[@]}" "${user[@]}" || rc=$?
    if [ "$rc" -eq 5 ]; then
        printf '\nERROR: pytest collected no tests: that counts as a failure.\n' >&2
    fi
    return "$rc"
}
