#!/usr/bin/env bash
# Runs backup.sh on a schedule (the `backup` service's entrypoint).
#
#   BACKUP_AT=HH:MM            daily at this UTC time, or else
#   BACKUP_INTERVAL_SECONDS    every N seconds (default 86400), first run at start-up.
#   BACKUP_RETRY_SECONDS       after a failed run, try again this soon (default 900).
#
# `schedule.sh --check` is the container healthcheck: healthy while the newest archive
# (careflow-<stamp>.cfbk, written by backup.sh through `careflow backup`) is younger than two
# periods plus an hour.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BACKUP_DIR="${BACKUP_DIR:-/backups}"
interval="${BACKUP_INTERVAL_SECONDS:-86400}"
retry="${BACKUP_RETRY_SECONDS:-900}"
at="${BACKUP_AT:-}"

log() { printf '%s schedule: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

positive_int() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 > 0 )); }
positive_int "$interval" || { log "BACKUP_INTERVAL_SECONDS must be a positive integer"; exit 64; }
positive_int "$retry" || { log "BACKUP_RETRY_SECONDS must be a positive integer"; exit 64; }
if [[ -n "$at" ]]; then
    [[ "$at" =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]] || { log "BACKUP_AT must be HH:MM (UTC)"; exit 64; }
    interval=86400
fi

if [[ "${1:-}" == "--check" ]]; then
    max_age_min=$(( interval * 2 / 60 + 60 ))
    newest="$(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'careflow-*.cfbk' -mmin "-$max_age_min" -print -quit 2>/dev/null || true)"
    if [[ -z "$newest" ]]; then
        echo "no backup archive newer than $max_age_min minutes in $BACKUP_DIR" >&2
        exit 1
    fi
    exit 0
fi

# Seconds from now until the next HH:MM UTC.
seconds_until() {
    local now next
    now="$(date -u +%s)"
    next="$(date -u -d "today $1" +%s)"
    (( next > now )) || next="$(date -u -d "tomorrow $1" +%s)"
    echo $(( next - now ))
}

# Sleep in the background so `docker stop` (SIGTERM) ends the loop at once.
stopping=0
trap 'stopping=1; kill "${sleeper:-}" 2>/dev/null || true' TERM INT
nap() {
    sleep "$1" &
    sleeper=$!
    wait "$sleeper" || true
    sleeper=
}

if [[ -n "$at" ]]; then
    log "daily backups at $at UTC"
    nap "$(seconds_until "$at")"
else
    log "backups every ${interval}s, starting now"
fi

while (( ! stopping )); do
    if bash "$here/backup.sh"; then
        if [[ -n "$at" ]]; then next="$(seconds_until "$at")"; else next="$interval"; fi
    else
        log "backup failed; retrying in ${retry}s"
        next="$retry"
    fi
    (( stopping )) || nap "$next"
done
log "stopped"
