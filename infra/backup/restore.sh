#!/usr/bin/env bash
# Restore an archive made by backup.sh (`careflow backup`).
#
#   restore.sh [--force] ARCHIVE
#
#   ARCHIVE   careflow-<stamp>.cfbk
#   --force   replace a target that already holds data (the replaced files are kept in
#             $CAREFLOW_DATA_DIR/.pre-restore-<stamp>/; on PostgreSQL the replaced tables are
#             dropped inside the restore's single transaction)
#
# `careflow restore` changes nothing until the archive has authenticated under the backup key,
# the master key in place (CAREFLOW_MASTER_KEYS, or keys/master.key in the data folder) has
# opened every tenant key in it, and the target was found empty (or --force). The database is
# restored in one transaction (PostgreSQL) or swapped in by rename (SQLite); a failure puts the
# previous files back.
#
# Stop everything that uses the database first (gateways, worker, backup job). Afterwards start
# the stack again and run `careflow audit verify`.
#
# Environment: as backup.sh (DATABASE_URL or POSTGRES_*, CAREFLOW_DATA_DIR,
# CAREFLOW_BACKUP_KEY_FILE, CAREFLOW_BIN) plus the master key (CAREFLOW_MASTER_KEYS[_FILE]).
set -euo pipefail

CAREFLOW_BIN="${CAREFLOW_BIN:-careflow}"
: "${CAREFLOW_BACKUP_KEY_FILE:?CAREFLOW_BACKUP_KEY_FILE is required}"

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 64
}

args=()
while (( $# )); do
    case "$1" in
        --force) args+=(--force) ;;
        -h|--help) usage ;;
        -*) echo "restore: unknown option $1" >&2; usage ;;
        *) [[ -z "${archive:-}" ]] || usage; archive="$1" ;;
    esac
    shift
done
[[ -n "${archive:-}" ]] || usage
[[ -r "$archive" ]] || { echo "restore: $archive is not a readable file" >&2; exit 66; }

exec "$CAREFLOW_BIN" restore --from "$archive" "${args[@]}"
