#!/usr/bin/env bash
# Restore a CareFlow backup made by backup.sh.
#
#   restore.sh [--yes] [--force] DB_DUMP [DATA_TAR]
#
#   DB_DUMP   careflow-db-<stamp>.dump (pg_dump -Fc)
#   DATA_TAR  careflow-data-<stamp>.tar.gz (optional; use the one with the same stamp)
#   --yes     do it (without it, or an interactive confirmation, nothing is changed)
#   --force   terminate remaining connections to the database instead of refusing
#
# Nothing live is touched until both archives have been verified and the dump has been fully
# restored into a scratch database. Then, in one transaction, the live database is renamed to
# <db>_pre_restore_<stamp> and the scratch one takes its name; the data dir's current content
# is moved to .pre-restore-<stamp>/ inside it. Both are kept for rollback: drop / delete them
# once the restored system has been checked.
#
# Stop everything that uses the database first (gateway, worker, backup). Afterwards, start
# the stack again: the migrate job brings an older dump's schema up to date.
#
# Environment: as backup.sh (PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD[_FILE],
# CAREFLOW_DATA_DIR). PGUSER needs CREATEDB (the compose postgres user is a superuser).
set -euo pipefail

CAREFLOW_DATA_DIR="${CAREFLOW_DATA_DIR:-/careflow-data}"
: "${PGDATABASE:?PGDATABASE is required}"

log() { printf '%s restore: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 64
}

yes=0
force=0
args=()
while (( $# )); do
    case "$1" in
        --yes|-y) yes=1 ;;
        --force) force=1 ;;
        -h|--help) usage ;;
        --) shift; args+=("$@"); break ;;
        -*) log "unknown option $1"; usage ;;
        *) args+=("$1") ;;
    esac
    shift
done
(( ${#args[@]} >= 1 && ${#args[@]} <= 2 )) || usage
db_dump="${args[0]}"
data_tar="${args[1]:-}"

if [[ -n "${PGPASSWORD_FILE:-}" ]]; then
    [[ -r "$PGPASSWORD_FILE" ]] || die "PGPASSWORD_FILE=$PGPASSWORD_FILE is not readable"
    PGPASSWORD="$(<"$PGPASSWORD_FILE")"
    export PGPASSWORD
fi

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 --dbname=postgres "$@"; }

# verify FILE: exists, and matches FILE.sha256 when there is one.
verify() {
    local f="$1"
    [[ -f "$f" && -r "$f" ]] || die "$f: no such readable file"
    if [[ -f "$f.sha256" ]]; then
        (cd "$(dirname "$f")" && sha256sum --check --status -- "$(basename "$f").sha256") \
            || die "$f does not match $f.sha256"
        log "checksum ok: $(basename "$f")"
    else
        log "warning: no $f.sha256, integrity not checked"
    fi
}

# --- 1. verify the archives (read-only) ---------------------------------------------------------
verify "$db_dump"
pg_restore --list "$db_dump" >/dev/null || die "$db_dump is not a readable pg_dump custom-format archive"
if [[ -n "$data_tar" ]]; then
    verify "$data_tar"
    tar --list --gzip --file="$data_tar" >/dev/null || die "$data_tar is not a readable .tar.gz"
    [[ -d "$CAREFLOW_DATA_DIR" ]] || die "data dir $CAREFLOW_DATA_DIR does not exist (is the volume mounted?)"
    db_stamp="$(basename "$db_dump" | sed -n 's/^careflow-db-\(.*\)\.dump$/\1/p')"
    data_stamp="$(basename "$data_tar" | sed -n 's/^careflow-data-\(.*\)\.tar\.gz$/\1/p')"
    if [[ -n "$db_stamp" && "$db_stamp" != "$data_stamp" ]]; then
        log "warning: database dump ($db_stamp) and data archive (${data_stamp:-?}) are from different runs"
    fi
fi

# --- 2. confirmation ---------------------------------------------------------------------------
stamp="$(date -u +%Y%m%d_%H%M%S)"
scratch_db="${PGDATABASE}_restore_${stamp}"
aside_db="${PGDATABASE}_pre_restore_${stamp}"
cat >&2 <<EOF
About to restore
  database  ${PGDATABASE} on ${PGHOST:-local socket}  <-  ${db_dump}
            (current database kept as ${aside_db})
  data dir  ${CAREFLOW_DATA_DIR}  <-  ${data_tar:-(unchanged)}
EOF
if (( ! yes )); then
    if [[ -t 0 ]]; then
        read -r -p "Type the database name (${PGDATABASE}) to continue: " answer
        [[ "$answer" == "$PGDATABASE" ]] || die "not confirmed, nothing changed"
    else
        die "pass --yes to confirm (nothing changed)"
    fi
fi

# --- 3. nobody else may be connected -------------------------------------------------------------
others="$(psql_admin -At -v db="$PGDATABASE" <<'SQL'
SELECT count(*) FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();
SQL
)"
if (( others > 0 )); then
    if (( force )); then
        log "terminating $others connection(s) to $PGDATABASE (--force)"
    else
        psql_admin -v db="$PGDATABASE" <<'SQL' >&2
SELECT pid, usename, application_name, client_addr, state, backend_start
  FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();
SQL
        die "$others other connection(s) to $PGDATABASE: stop gateway, worker and backup first (or pass --force)"
    fi
fi

# --- 4. restore into a scratch database (the live one is untouched) ---------------------------
log "creating scratch database $scratch_db"
createdb --maintenance-db=postgres --owner="${PGUSER:-$(id -un)}" --template=template0 --encoding=UTF8 "$scratch_db"
log "restoring $db_dump into $scratch_db"
if ! pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
        --dbname="$scratch_db" "$db_dump"; then
    dropdb --maintenance-db=postgres --if-exists "$scratch_db" || true
    die "pg_restore failed; live database unchanged, scratch database dropped"
fi

# --- 5. swap the data dir ----------------------------------------------------------------------
if [[ -n "$data_tar" ]]; then
    aside_dir="$CAREFLOW_DATA_DIR/.pre-restore-$stamp"
    log "moving current data dir content to $aside_dir"
    mkdir -p "$aside_dir"
    find "$CAREFLOW_DATA_DIR" -mindepth 1 -maxdepth 1 ! -name '.pre-restore-*' -exec mv -t "$aside_dir" -- {} +
    log "extracting $data_tar"
    if ! tar --extract --gzip --file="$data_tar" --numeric-owner --same-owner --same-permissions \
            --directory="$CAREFLOW_DATA_DIR"; then
        log "extraction failed, putting the previous data dir back"
        find "$CAREFLOW_DATA_DIR" -mindepth 1 -maxdepth 1 ! -name '.pre-restore-*' -exec rm -rf -- {} +
        find "$aside_dir" -mindepth 1 -maxdepth 1 -exec mv -t "$CAREFLOW_DATA_DIR" -- {} +
        rmdir "$aside_dir"
        dropdb --maintenance-db=postgres --if-exists "$scratch_db" || true
        die "data restore failed; live database and data dir unchanged"
    fi
fi

# --- 6. swap the databases, atomically -----------------------------------------------------------
log "switching $PGDATABASE to the restored copy"
psql_admin --single-transaction -v db="$PGDATABASE" -v scratch="$scratch_db" -v aside="$aside_db" \
    -v force="$force" >/dev/null <<'SQL'
SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
 WHERE datname = :'db' AND pid <> pg_backend_pid() AND :force = 1;
ALTER DATABASE :"db" RENAME TO :"aside";
ALTER DATABASE :"scratch" RENAME TO :"db";
SQL

cat >&2 <<EOF
$(date -u +%Y-%m-%dT%H:%M:%SZ) restore: done.
Next:
  1. docker compose -f infra/compose.yaml up -d        (migrate runs first, then the gateways)
  2. docker compose -f infra/compose.yaml run --rm migrate audit verify
                                                       (the audit hash chain must still verify)
  3. once satisfied, remove the rollback copies:
       docker compose -f infra/compose.yaml exec postgres dropdb -U ${PGUSER:-postgres} ${aside_db}
       docker compose -f infra/compose.yaml run --rm --entrypoint rm restore -rf ${CAREFLOW_DATA_DIR}/.pre-restore-${stamp}
EOF
