#!/usr/bin/env bash
# One CareFlow backup run:
#   $BACKUP_DIR/db/careflow-db-<UTC stamp>.dump          pg_dump custom format (-Fc)
#   $BACKUP_DIR/data/careflow-data-<UTC stamp>.tar.gz    the data dir (keys, console, uploads)
# each with a .sha256 beside it, then deletes backups older than BACKUP_RETENTION_DAYS
# (always keeping the newest BACKUP_KEEP_MIN of each kind, so a long outage of the backup job
# can never prune the last good copy).
#
# The database is dumped before the files are archived: every upload a dumped row refers to
# is already on disk when tar runs.
#
# Environment: PGHOST PGPORT PGUSER PGDATABASE, PGPASSWORD or PGPASSWORD_FILE (libpq),
# BACKUP_DIR (/backups), CAREFLOW_DATA_DIR (/careflow-data; skipped if absent),
# BACKUP_RETENTION_DAYS (14), BACKUP_KEEP_MIN (3).
#
# Backups hold PHI as Fernet ciphertext plus the data dir's key material, but not
# CAREFLOW_MASTER_KEYS: keep those elsewhere. Without them a backup cannot be decrypted, and
# without a backup of them a restore is useless.
set -euo pipefail

BACKUP_DIR="${BACKUP_DIR:-/backups}"
CAREFLOW_DATA_DIR="${CAREFLOW_DATA_DIR:-/careflow-data}"
BACKUP_RETENTION_DAYS="${BACKUP_RETENTION_DAYS:-14}"
BACKUP_KEEP_MIN="${BACKUP_KEEP_MIN:-3}"
: "${PGDATABASE:?PGDATABASE is required}"

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$BACKUP_RETENTION_DAYS" =~ ^[0-9]+$ ]] || die "BACKUP_RETENTION_DAYS must be a whole number of days"
[[ "$BACKUP_KEEP_MIN" =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_MIN must be a whole number"

if [[ -n "${PGPASSWORD_FILE:-}" ]]; then
    [[ -r "$PGPASSWORD_FILE" ]] || die "PGPASSWORD_FILE=$PGPASSWORD_FILE is not readable"
    PGPASSWORD="$(<"$PGPASSWORD_FILE")"
    export PGPASSWORD
fi

umask 077
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
db_dir="$BACKUP_DIR/db"
data_dir="$BACKUP_DIR/data"
mkdir -p "$db_dir" "$data_dir"

# Only one backup runs at a time (one job); anything *.partial is left over from a crash.
find "$db_dir" "$data_dir" -maxdepth 1 -type f -name '*.partial' -delete

in_progress=()
cleanup() {
    local f
    for f in "${in_progress[@]}"; do rm -f -- "$f"; done
}
trap cleanup EXIT

# write_checksum FILE: FILE.sha256 in `sha256sum -c` format, with a relative name.
write_checksum() {
    local dir base
    dir="$(dirname "$1")"
    base="$(basename "$1")"
    (cd "$dir" && sha256sum -- "$base" >"$base.sha256.partial" && mv -- "$base.sha256.partial" "$base.sha256")
}

# --- database -------------------------------------------------------------------------------
db_out="$db_dir/careflow-db-$stamp.dump"
in_progress+=("$db_out.partial")
log "dumping database ${PGDATABASE} on ${PGHOST:-local socket}"
# --enable-row-security: a non-superuser owner is subject to the forced row-level security
# (migration 046), and pg_dump would refuse without it; no tenant is set, so every row is dumped.
pg_dump --format=custom --compress=6 --enable-row-security --file="$db_out.partial" --dbname="$PGDATABASE"
# A readable table of contents proves the archive is complete and restorable by pg_restore.
pg_restore --list "$db_out.partial" >/dev/null
mv -- "$db_out.partial" "$db_out"
write_checksum "$db_out"
log "database dump written: $db_out ($(du -h "$db_out" | cut -f1))"

# --- data dir -------------------------------------------------------------------------------
if [[ -d "$CAREFLOW_DATA_DIR" ]]; then
    data_out="$data_dir/careflow-data-$stamp.tar.gz"
    in_progress+=("$data_out.partial")
    log "archiving $CAREFLOW_DATA_DIR"
    # Exit status 1 from GNU tar means "a file changed while being read" (e.g. a console
    # .jsonl being appended): the archive is still valid. Anything above 1 is a failure.
    rc=0
    tar --create --gzip --file="$data_out.partial" \
        --numeric-owner \
        --exclude='./.pre-restore-*' \
        --warning=no-file-changed \
        --directory="$CAREFLOW_DATA_DIR" . || rc=$?
    (( rc <= 1 )) || die "tar failed with status $rc"
    gzip --test "$data_out.partial"
    mv -- "$data_out.partial" "$data_out"
    write_checksum "$data_out"
    log "data archive written: $data_out ($(du -h "$data_out" | cut -f1))"
else
    log "no data dir at $CAREFLOW_DATA_DIR, skipping the file archive"
fi

# --- retention ------------------------------------------------------------------------------
# prune DIR PATTERN: delete files matching PATTERN older than the retention period, except
# the newest BACKUP_KEEP_MIN (names carry a sortable UTC stamp), with their checksums.
prune() {
    local dir="$1" pattern="$2" f
    local -a all=() keep=()
    mapfile -t all < <(find "$dir" -maxdepth 1 -type f -name "$pattern" -printf '%f\n' | sort -r)
    keep=("${all[@]:0:BACKUP_KEEP_MIN}")
    while IFS= read -r f; do
        [[ -n "$f" ]] || continue
        if [[ " ${keep[*]} " == *" $(basename "$f") "* ]]; then continue; fi
        log "retention: deleting $(basename "$f")"
        rm -f -- "$f" "$f.sha256"
    done < <(find "$dir" -maxdepth 1 -type f -name "$pattern" -mtime +"$BACKUP_RETENTION_DAYS" -print)
}
prune "$db_dir" 'careflow-db-*.dump'
prune "$data_dir" 'careflow-data-*.tar.gz'

log "done ($stamp)"
