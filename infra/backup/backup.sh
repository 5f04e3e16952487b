#!/usr/bin/env bash
# One CareFlow backup run: `careflow backup` writes
#   $BACKUP_DIR/careflow-<UTC stamp>.cfbk
# one encrypted archive (database snapshot, document blobs, the data folder's key files and a
# manifest; never the master key), then backups older than BACKUP_RETENTION_DAYS are deleted
# (always keeping the newest BACKUP_KEEP_MIN, so a long outage of the backup job can never
# prune the last good copy).
#
# Environment: what careflow itself reads (DATABASE_URL, or the compose entrypoint's
# POSTGRES_*; CAREFLOW_DATA_DIR), CAREFLOW_BACKUP_KEY_FILE (required: make one with
# `careflow backup --generate-key FILE`, keep it apart from the master key),
# CAREFLOW_BIN (careflow), BACKUP_DIR (/backups), BACKUP_RETENTION_DAYS (14), BACKUP_KEEP_MIN (3).
set -euo pipefail

CAREFLOW_BIN="${CAREFLOW_BIN:-careflow}"
BACKUP_DIR="${BACKUP_DIR:-/backups}"
BACKUP_RETENTION_DAYS="${BACKUP_RETENTION_DAYS:-14}"
BACKUP_KEEP_MIN="${BACKUP_KEEP_MIN:-3}"
: "${CAREFLOW_BACKUP_KEY_FILE:?CAREFLOW_BACKUP_KEY_FILE is required}"

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$BACKUP_RETENTION_DAYS" =~ ^[0-9]+$ ]] || die "BACKUP_RETENTION_DAYS must be a whole number of days"
[[ "$BACKUP_KEEP_MIN" =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_MIN must be a whole number"

umask 077
mkdir -p "$BACKUP_DIR"
# Left over from a crash: careflow writes .<name>.<uuid>.partial and renames it when complete.
find "$BACKUP_DIR" -maxdepth 1 -type f -name '.careflow-*.partial' -delete
find "$BACKUP_DIR" -maxdepth 1 -type d -name '.careflow-backup-*' -exec rm -rf -- {} +

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$BACKUP_DIR/careflow-$stamp.cfbk"
log "writing $out"
"$CAREFLOW_BIN" backup --to "$out" || die "careflow backup failed"
log "archive written: $out ($(du -h "$out" | cut -f1))"

# Retention: delete archives older than the retention period, except the newest
# BACKUP_KEEP_MIN (names carry a sortable UTC stamp).
mapfile -t all < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'careflow-*.cfbk' -printf '%f\n' | sort -r)
keep=("${all[@]:0:BACKUP_KEEP_MIN}")
while IFS= read -r f; do
    [[ -n "$f" ]] || continue
    if [[ " ${keep[*]} " == *" $(basename "$f") "* ]]; then continue; fi
    log "retention: deleting $(basename "$f")"
    rm -f -- "$f"
done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'careflow-*.cfbk' -mtime +"$BACKUP_RETENTION_DAYS" -print)

log "done ($stamp)"
