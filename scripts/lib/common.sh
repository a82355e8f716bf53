# shellcheck shell=bash
# Shared helpers for scripts/*.sh. Source it (do not execute it):
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Public functions (call them as plain statements):
#   ensure_apt_packages pkg...   install missing Debian packages (sudo when not root)
#   ensure_dotnet_tools          dotnet tool restore (.config/dotnet-tools.json)
#   ensure_postgres              private PostgreSQL cluster + roles + database; exports
#                                ConnectionStrings__Default, ConnectionStrings__Owner,
#                                SOULKG_PG_ADMIN, SOULKG_PG_PORT
#   stop_postgres                stop the private cluster (if it runs)
#
# The work itself runs in a separate `bash -euo pipefail` process, so errors stop it even
# when the caller is an interactive shell or calls us inside `if`/`||`.
# Everything is quiet unless something fails.

SOULKG_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/$(basename "${BASH_SOURCE[0]}")"
SOULKG_REPO="$(cd "$(dirname "$SOULKG_LIB")/../.." && pwd -P)"
# shellcheck disable=SC2034 # used by the scripts that source this file
SOULKG_APT_PACKAGES=(postgresql postgresql-contrib chromium fonts-dejavu-core fonts-liberation tzdata ca-certificates)
SOULKG_PG_DEFAULT_PORT=55433
SOULKG_PG_OS_USER=soulkg-pg

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# ---------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------

_soulkg_say() { printf '%s\n' "$*" >&2; }
_soulkg_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# _soulkg_quiet "what" cmd args...: run cmd with its output captured; on failure print the
# output (last 120 lines) and return cmd's exit code.
_soulkg_quiet() {
    local what=$1 log rc=0 n
    shift
    log=$(mktemp "${TMPDIR:-/tmp}/soulkg-XXXXXX.log")
    "$@" >"$log" 2>&1 || rc=$?
    if ((rc != 0)); then
        n=$(wc -l <"$log")
        {
            printf 'error: %s failed (exit %d)\n' "$what" "$rc"
            if ((n > 120)); then printf '... (%d lines, last 120 shown)\n' "$n"; fi
            tail -n 120 "$log"
        } >&2
    fi
    rm -f "$log"
    return "$rc"
}

# _soulkg_as_root cmd...: run as root (directly when root, else through sudo).
_soulkg_as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -- "$@"
    else
        printf 'error: need root for: %s (run as root or install sudo)\n' "$*" >&2
        return 1
    fi
}

# Run one of the private functions below in a fresh `bash -euo pipefail` process.
_soulkg_isolated() {
    bash -c 'set -euo pipefail; source "$0"; "$@"' "$SOULKG_LIB" "$@"
}

_soulkg_random_password() {
    # 32 alphanumeric characters: no quoting problems in connection strings or SQL.
    local p=""
    while ((${#p} < 32)); do
        p+=$(head -c 96 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')
    done
    printf '%s' "${p:0:32}"
}

_soulkg_sql_literal() { local s=${1//\'/\'\'}; printf "'%s'" "$s"; }

# ---------------------------------------------------------------------------------------
# apt
# ---------------------------------------------------------------------------------------

ensure_apt_packages() { _soulkg_isolated _soulkg_apt_impl "$@"; }

_soulkg_apt_impl() {
    local missing=() p st
    for p in "$@"; do
        st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [[ $st == installed ]] || missing+=("$p")
    done
    ((${#missing[@]} > 0)) || return 0
    command -v apt-get >/dev/null 2>&1 || _soulkg_die "apt-get not found; install these packages yourself: ${missing[*]}"
    _soulkg_say "installing Debian packages: ${missing[*]}"
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=900)
    _soulkg_quiet "apt-get update" _soulkg_as_root "${apt[@]}" update
    _soulkg_quiet "apt-get install ${missing[*]}" \
        _soulkg_as_root "${apt[@]}" -y --no-install-recommends install "${missing[@]}"
}

# ---------------------------------------------------------------------------------------
# dotnet local tools
# ---------------------------------------------------------------------------------------

ensure_dotnet_tools() { _soulkg_isolated _soulkg_dotnet_tools_impl; }

_soulkg_dotnet_tools_impl() {
    command -v dotnet >/dev/null 2>&1 || _soulkg_die "dotnet (the .NET 10 SDK) is not on PATH"
    cd "$SOULKG_REPO" || exit 1
    _soulkg_quiet "dotnet tool restore" dotnet tool restore
}

# ---------------------------------------------------------------------------------------
# PostgreSQL: a private cluster owned by this checkout
# ---------------------------------------------------------------------------------------

ensure_postgres() {
    # (a value that an earlier ensure_postgres exported is ours, not the user's)
    if [[ -n ${ConnectionStrings__Default:-} && ${ConnectionStrings__Default} != "${SOULKG_PG_PRIVATE_CONN:-}" ]]; then
        _soulkg_say "ConnectionStrings__Default is set: using your PostgreSQL, no private cluster is started."
        if [[ -z ${ConnectionStrings__Owner:-} ]]; then
            _soulkg_say "ConnectionStrings__Owner is not set: using ConnectionStrings__Default for it (migrations and test databases need a role with CREATEDB)."
            export ConnectionStrings__Owner="$ConnectionStrings__Default"
        fi
        [[ -n ${SOULKG_PG_ADMIN:-} ]] || _soulkg_say "SOULKG_PG_ADMIN (superuser connection string) is not set."
        return 0
    fi
    local envfile line
    envfile=$(mktemp "${TMPDIR:-/tmp}/soulkg-pgenv-XXXXXX")
    # The child writes KEY=VALUE lines to $envfile (a file, not a pipe: the postmaster it
    # starts must not inherit a pipe we wait on).
    if ! SOULKG_ENV_OUT="$envfile" _soulkg_isolated _soulkg_pg_ensure_impl </dev/null; then
        rm -f "$envfile"
        return 1
    fi
    while IFS= read -r line; do
        [[ $line == *=* ]] && export "${line%%=*}=${line#*=}"
    done <"$envfile"
    rm -f "$envfile"
    export SOULKG_PG_PRIVATE_CONN="$ConnectionStrings__Default"
}

stop_postgres() { _soulkg_isolated _soulkg_pg_stop_impl </dev/null; }

_soulkg_pg_hash() { printf '%s' "$SOULKG_REPO" | sha256sum | cut -c1-12; }

# Run a command as the cluster's OS user ($PG_OS_USER), from / (its cwd may be unreadable).
_soulkg_pg_as() {
    if [[ $PG_OS_USER == "$(id -un)" ]]; then
        (cd / && "$@")
    elif ((EUID == 0)); then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        (cd / && sudo -u "$PG_OS_USER" -- "$@")
    fi
}

_soulkg_pg_ensure_os_user() {
    getent passwd "$SOULKG_PG_OS_USER" >/dev/null && return 0
    local nologin=/usr/sbin/nologin
    [[ -x $nologin ]] || nologin=/bin/false
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell "$nologin" --comment "SoulKG private PostgreSQL" "$SOULKG_PG_OS_USER" 2>/dev/null ||
        getent passwd "$SOULKG_PG_OS_USER" >/dev/null ||
        _soulkg_die "could not create OS user $SOULKG_PG_OS_USER"
}

# _soulkg_pg_layout create|lookup: sets PG_BASE PG_DATA PG_RUN PG_SOCK PG_LOG PG_OS_USER.
# lookup returns 1 when no cluster exists yet.
_soulkg_pg_layout() {
    local mode=$1 hash repo_base alt_base
    hash=$(_soulkg_pg_hash)
    repo_base="$SOULKG_REPO/.data"
    alt_base="/var/lib/soulkg-pg/$hash"
    if [[ -f $repo_base/pg/PG_VERSION ]]; then
        PG_BASE=$repo_base
    elif [[ -f $alt_base/pg/PG_VERSION ]]; then
        PG_BASE=$alt_base
    elif [[ $mode == lookup ]]; then
        return 1
    elif ((EUID != 0)); then
        PG_BASE=$repo_base
    else
        _soulkg_pg_ensure_os_user
        mkdir -p "$repo_base"
        if runuser -u "$SOULKG_PG_OS_USER" -- test -x "$repo_base" 2>/dev/null; then
            PG_BASE=$repo_base
        elif runuser -u "$SOULKG_PG_OS_USER" -- test -x "$SOULKG_REPO" 2>/dev/null; then
            # only .data itself is closed: let the cluster's group traverse it.
            chgrp "$SOULKG_PG_OS_USER" "$repo_base" && chmod g+x "$repo_base"
            PG_BASE=$repo_base
        else
            PG_BASE=$alt_base
            _soulkg_say "note: $SOULKG_REPO is not traversable by the OS user $SOULKG_PG_OS_USER;" \
                "the private PostgreSQL cluster lives in $alt_base instead of $repo_base/pg."
        fi
    fi
    PG_DATA=$PG_BASE/pg
    PG_RUN=$PG_BASE/pg-run
    PG_LOG=$PG_RUN/postgres.log
    # A unix socket path must fit in 107 bytes (".../.s.PGSQL.NNNNN").
    PG_SOCK=$PG_RUN
    if ((${#PG_SOCK} > 85)); then PG_SOCK="/tmp/soulkg-pg-$hash"; fi
    if [[ -d $PG_DATA ]]; then
        PG_OS_USER=$(stat -c %U "$PG_DATA")
    elif ((EUID == 0)); then
        _soulkg_pg_ensure_os_user
        PG_OS_USER=$SOULKG_PG_OS_USER
    else
        PG_OS_USER=$(id -un)
    fi
    [[ $PG_OS_USER != root ]] || _soulkg_die "$PG_DATA is owned by root; PostgreSQL cannot run as root (remove it and rerun)"
}

_soulkg_pg_bin() {
    local ver=""
    if [[ -f $PG_DATA/PG_VERSION ]]; then
        ver=$(<"$PG_DATA/PG_VERSION")
        [[ -x /usr/lib/postgresql/$ver/bin/postgres ]] ||
            _soulkg_die "$PG_DATA was created by PostgreSQL $ver but /usr/lib/postgresql/$ver/bin is missing (install postgresql-$ver, or delete $PG_DATA to start afresh)"
    else
        ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null |
            grep -E '^[0-9]+(\.[0-9]+)?$' | sort -V | tail -n 1 || true)
        [[ -n $ver && -x /usr/lib/postgresql/$ver/bin/initdb ]] ||
            _soulkg_die "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql postgresql-contrib)"
    fi
    PG_BIN=/usr/lib/postgresql/$ver/bin
}

# _soulkg_pg_mkdir dir: create dir (mode 700) owned by $PG_OS_USER.
_soulkg_pg_mkdir() {
    local d=$1
    if [[ $PG_OS_USER == "$(id -un)" ]]; then
        mkdir -p "$d"
        chmod 700 "$d"
    elif ((EUID == 0)); then
        mkdir -p "$(dirname "$d")"
        install -d -m 700 -o "$PG_OS_USER" -g "$(id -gn "$PG_OS_USER")" "$d"
    else
        _soulkg_pg_as mkdir -p -m 700 "$d"
    fi
}

# _soulkg_pg_write file: write stdin to file as $PG_OS_USER; returns 0 if the content changed.
_soulkg_pg_write() {
    local f=$1 new old=""
    new=$(cat)
    old=$(_soulkg_pg_as cat "$f" 2>/dev/null || true)
    [[ $new != "$old" ]] || return 1
    printf '%s\n' "$new" | _soulkg_pg_as tee "$f" >/dev/null || _soulkg_die "cannot write $f"
    return 0
}

# Prints the postmaster's pid when our cluster is running (postmaster.pid points at a live
# process whose cwd is our data directory), else returns 1.
_soulkg_pg_running_pid() {
    local pid cwd
    pid=$(_soulkg_pg_as head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    cwd=$(_soulkg_pg_as readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
    [[ $cwd == "$(realpath "$PG_DATA")" ]] || return 1
    printf '%s' "$pid"
}

_soulkg_pg_pidfile_line() { _soulkg_pg_as sed -n "${1}p" "$PG_DATA/postmaster.pid" 2>/dev/null || true; }

# Pids of postgres processes still working in our data directory (orphans of a killed
# postmaster; only meaningful while the postmaster itself is not running).
_soulkg_pg_orphans() {
    local d comm cwd real direct=0
    real=$(realpath "$PG_DATA")
    if ((EUID == 0)) || [[ $PG_OS_USER == "$(id -un)" ]]; then direct=1; fi
    for d in /proc/[0-9]*; do
        comm=""
        read -r comm 2>/dev/null <"$d/comm" || continue
        [[ $comm == postgres ]] || continue
        if ((direct)); then
            cwd=$(readlink "$d/cwd" 2>/dev/null || true)
        else
            cwd=$(_soulkg_pg_as readlink "$d/cwd" 2>/dev/null || true)
        fi
        [[ $cwd == "$real" ]] && printf '%s\n' "${d#/proc/}"
    done
    return 0
}

_soulkg_port_busy() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Make a crashed cluster startable: wait for orphaned backends, drop stale lock files.
_soulkg_pg_clear_stale() {
    local i orphans
    # Idle backends of a killed postmaster exit at once; busy ones finish their query first.
    for ((i = 0; i < 30; i++)); do
        orphans=$(_soulkg_pg_orphans)
        [[ -n $orphans ]] || break
        # shellcheck disable=SC2086
        if ((i == 10)); then
            _soulkg_pg_as kill -QUIT $orphans 2>/dev/null || true
        elif ((i == 20)); then
            _soulkg_pg_as kill -KILL $orphans 2>/dev/null || true
        fi
        sleep 0.5
    done
    [[ -z $(_soulkg_pg_orphans) ]] ||
        _soulkg_die "old postgres processes still use $PG_DATA: $(_soulkg_pg_orphans | tr '\n' ' ')"
    if _soulkg_pg_as test -e "$PG_DATA/postmaster.pid"; then
        _soulkg_pg_as rm -f "$PG_DATA/postmaster.pid"
    fi
    local lock
    for lock in "$PG_SOCK"/.s.PGSQL.*.lock; do
        [[ -e $lock ]] || continue
        local lpid
        lpid=$(_soulkg_pg_as head -n 1 "$lock" 2>/dev/null || true)
        if [[ ! $lpid =~ ^[0-9]+$ ]] || ! kill -0 "$lpid" 2>/dev/null ||
            [[ $(cat "/proc/$lpid/comm" 2>/dev/null) != postgres ]]; then
            _soulkg_pg_as rm -f "$lock" "${lock%.lock}"
        fi
    done
}

_soulkg_pg_start() {
    local try
    _soulkg_pg_clear_stale
    for try in 1 2; do
        if _soulkg_quiet "pg_ctl start ($PG_DATA)" \
            _soulkg_pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 120 -s start </dev/null; then
            return 0
        fi
        if ((try == 1)); then
            sleep 3
            _soulkg_pg_clear_stale
        fi
    done
    _soulkg_say "---- last lines of $PG_LOG ----"
    _soulkg_pg_as tail -n 30 "$PG_LOG" >&2 || true
    _soulkg_die "PostgreSQL did not start (data: $PG_DATA, port: $PG_PORT)"
}

_soulkg_pg_secret() {
    local key=$1 file=$SOULKG_REPO/.data/secrets.env val=""
    if [[ -f $file ]]; then
        val=$(sed -n "s/^${key}=//p" "$file" | tail -n 1)
    fi
    if [[ -z $val ]]; then
        val=$(_soulkg_random_password)
        mkdir -p "$SOULKG_REPO/.data"
        (umask 077 && printf '%s=%s\n' "$key" "$val" >>"$file")
    fi
    chmod 600 "$file"
    printf '%s' "$val"
}

# psql as the superuser `postgres` over the unix socket (peer auth, mapped in pg_ident.conf).
_soulkg_pg_admin_psql() {
    _soulkg_pg_as "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d "${1:-postgres}"
}

_soulkg_pg_ensure_impl() {
    : "${SOULKG_ENV_OUT:?}"
    local su_pw owner_pw app_pw
    su_pw=$(_soulkg_pg_secret SOULKG_PG_SUPERUSER_PASSWORD)
    owner_pw=$(_soulkg_pg_secret SOULKG_PG_OWNER_PASSWORD)
    app_pw=$(_soulkg_pg_secret SOULKG_PG_APP_PASSWORD)

    _soulkg_pg_layout create
    _soulkg_pg_bin
    _soulkg_pg_mkdir "$PG_RUN"
    [[ $PG_SOCK == "$PG_RUN" ]] || _soulkg_pg_mkdir "$PG_SOCK"
    [[ $(stat -c %U "$PG_SOCK") == "$PG_OS_USER" ]] || _soulkg_die "$PG_SOCK is not owned by $PG_OS_USER"

    # 1. initdb (once)
    if ! _soulkg_pg_as test -f "$PG_DATA/PG_VERSION"; then
        if [[ -d $PG_DATA ]] && [[ -n $(_soulkg_pg_as ls -A "$PG_DATA") ]]; then
            _soulkg_die "$PG_DATA exists, is not empty and holds no cluster; delete it and rerun"
        fi
        _soulkg_pg_mkdir "$PG_DATA"
        local pwfile=$PG_RUN/initdb.pw
        printf '%s\n' "$su_pw" | _soulkg_pg_as tee "$pwfile" >/dev/null
        _soulkg_pg_as chmod 600 "$pwfile"
        local rc=0
        _soulkg_quiet "initdb $PG_DATA" _soulkg_pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres \
            --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 || rc=$?
        _soulkg_pg_as rm -f "$pwfile"
        ((rc == 0)) || exit "$rc"
    fi

    # 2. port: explicit SOULKG_PG_PORT, else the running cluster's, else the default (or the
    #    next free one when something else holds it).
    local pid="" cur_port="" cur_sock=""
    if pid=$(_soulkg_pg_running_pid); then
        cur_port=$(_soulkg_pg_pidfile_line 4)
        cur_sock=$(_soulkg_pg_pidfile_line 5)
    fi
    if [[ -n ${SOULKG_PG_PORT:-} ]]; then
        [[ $SOULKG_PG_PORT =~ ^[0-9]+$ ]] || _soulkg_die "SOULKG_PG_PORT must be a port number"
        PG_PORT=$SOULKG_PG_PORT
    elif [[ -n $cur_port ]]; then
        PG_PORT=$cur_port
    else
        PG_PORT=$SOULKG_PG_DEFAULT_PORT
        while _soulkg_port_busy "$PG_PORT"; do
            PG_PORT=$((PG_PORT + 1))
            ((PG_PORT < SOULKG_PG_DEFAULT_PORT + 50)) || _soulkg_die "no free port in $SOULKG_PG_DEFAULT_PORT..$PG_PORT"
        done
        [[ $PG_PORT == "$SOULKG_PG_DEFAULT_PORT" ]] ||
            _soulkg_say "note: port $SOULKG_PG_DEFAULT_PORT is taken; the private PostgreSQL uses $PG_PORT"
    fi

    # 3. configuration (rewritten every time; cheap and self-healing)
    local conf_changed=0 hba_changed=0
    local sock_q=${PG_SOCK//\'/\'\'}
    if _soulkg_pg_write "$PG_DATA/soulkg.conf" <<EOF; then conf_changed=1; fi
# Managed by scripts/lib/common.sh (rewritten on every start). Private dev/test cluster.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock_q'
unix_socket_permissions = 0700
max_connections = 200
# Throw-away data: trade safety against an OS crash for speed (a process crash is still safe).
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if ! _soulkg_pg_as grep -q "^include_if_exists = 'soulkg.conf'" "$PG_DATA/postgresql.conf"; then
        printf "\ninclude_if_exists = 'soulkg.conf'\n" | _soulkg_pg_as tee -a "$PG_DATA/postgresql.conf" >/dev/null
        conf_changed=1
    fi
    if _soulkg_pg_write "$PG_DATA/pg_hba.conf" <<EOF; then hba_changed=1; fi
# Managed by scripts/lib/common.sh (rewritten on every start).
# TYPE  DATABASE  USER      ADDRESS       METHOD
local   all       postgres                peer map=soulkg
local   all       all                     peer
host    all       all       127.0.0.1/32  scram-sha-256
host    all       all       ::1/128       scram-sha-256
EOF
    if _soulkg_pg_write "$PG_DATA/pg_ident.conf" <<EOF; then hba_changed=1; fi
# Managed by scripts/lib/common.sh: OS users allowed to log in as the superuser over the socket.
# MAPNAME  SYSTEM-USERNAME  PG-USERNAME
soulkg     $PG_OS_USER      postgres
soulkg     postgres         postgres
EOF

    # 4. start / restart / reload
    if [[ -n $pid ]]; then
        if [[ $cur_port != "$PG_PORT" || $cur_sock != "$PG_SOCK" ]]; then
            _soulkg_quiet "pg_ctl stop" _soulkg_pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 120 -s stop
            _soulkg_pg_start
        elif ((conf_changed || hba_changed)); then
            _soulkg_quiet "pg_ctl reload" _soulkg_pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -s reload
        fi
    else
        _soulkg_pg_start
    fi
    local i
    for ((i = 0; i < 120; i++)); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 && break
        sleep 0.5
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 5 ||
        _soulkg_die "PostgreSQL on 127.0.0.1:$PG_PORT is not ready (log: $PG_LOG)"

    # 5. roles, database, extensions (idempotent; passwords re-synced from .data/secrets.env)
    _soulkg_quiet "PostgreSQL roles/database setup" _soulkg_pg_admin_psql postgres <<EOF
ALTER ROLE postgres WITH PASSWORD $(_soulkg_sql_literal "$su_pw");
SELECT 'CREATE ROLE soulkg_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'soulkg_owner')\gexec
ALTER ROLE soulkg_owner WITH LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD $(_soulkg_sql_literal "$owner_pw");
SELECT 'CREATE ROLE soulkg_app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'soulkg_app')\gexec
ALTER ROLE soulkg_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD $(_soulkg_sql_literal "$app_pw");
\connect template1
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS citext;
-- LIKE/ILIKE cannot raise an error that depends on row data, so they are safe to mark LEAKPROOF; without it
-- PostgreSQL may not use the trigram indexes under row-level security (see docs/security.md).
ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF;
ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF;
\connect postgres
SELECT 'CREATE DATABASE soulkg OWNER soulkg_owner ENCODING ''UTF8'''
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'soulkg')\gexec
ALTER DATABASE soulkg OWNER TO soulkg_owner;
\connect soulkg
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS citext;
-- LIKE/ILIKE cannot raise an error that depends on row data, so they are safe to mark LEAKPROOF; without it
-- PostgreSQL may not use the trigram indexes under row-level security (see docs/security.md).
ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF;
ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF;
EOF

    # 6. prove the app and owner roles can log in over TCP
    local who pw
    for who in soulkg_app soulkg_owner; do
        if [[ $who == soulkg_app ]]; then pw=$app_pw; else pw=$owner_pw; fi
        PGPASSWORD=$pw PGCONNECT_TIMEOUT=10 _soulkg_quiet "TCP login as $who" \
            "$PG_BIN/psql" -X -q -w -h 127.0.0.1 -p "$PG_PORT" -U "$who" -d soulkg -tAc 'SELECT 1'
    done

    local conn="Host=127.0.0.1;Port=$PG_PORT"
    {
        printf 'SOULKG_PG_PORT=%s\n' "$PG_PORT"
        printf 'ConnectionStrings__Default=%s\n' "$conn;Database=soulkg;Username=soulkg_app;Password=$app_pw"
        printf 'ConnectionStrings__Owner=%s\n' "$conn;Database=soulkg;Username=soulkg_owner;Password=$owner_pw"
        printf 'SOULKG_PG_ADMIN=%s\n' "$conn;Database=postgres;Username=postgres;Password=$su_pw"
    } >"$SOULKG_ENV_OUT"
}

_soulkg_pg_stop_impl() {
    if ! _soulkg_pg_layout lookup; then
        _soulkg_say "no private PostgreSQL cluster for $SOULKG_REPO"
        return 0
    fi
    _soulkg_pg_bin
    if ! _soulkg_pg_running_pid >/dev/null; then
        _soulkg_say "the private PostgreSQL cluster ($PG_DATA) is not running"
        return 0
    fi
    _soulkg_quiet "pg_ctl stop" _soulkg_pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 120 -s stop
    _soulkg_say "stopped the private PostgreSQL cluster ($PG_DATA)"
}
