#!/bin/sh
# Container entrypoint for the careflow image.
#
# CareFlow itself reads its secrets from the environment. This wrapper lets them come from
# files instead (docker/compose secrets under /run/secrets), following the `VAR_FILE`
# convention of the official postgres image:
#   CAREFLOW_MASTER_KEYS_FILE=/run/secrets/careflow_master_keys  -> CAREFLOW_MASTER_KEYS
#   DATABASE_URL_FILE=/run/secrets/database_url                 -> DATABASE_URL
#   CAREFLOW_JWT_SIGNING_KEY_FILE=/run/secrets/jwt_signing_key   -> CAREFLOW_JWT_SIGNING_KEY
#   CAREFLOW_METRICS_TOKEN_FILE=/run/platform-secrets/metrics_token -> CAREFLOW_METRICS_TOKEN
# If DATABASE_URL is still unset and POSTGRES_HOST is given, DATABASE_URL is assembled from
# POSTGRES_USER / POSTGRES_PASSWORD(_FILE) / POSTGRES_HOST / POSTGRES_PORT / POSTGRES_DB, so the
# database password lives in one secret file shared with the postgres container.
# The password is inserted verbatim: use URL-safe characters (e.g. `openssl rand -hex 32`).
# With POSTGRES_APP_USER and POSTGRES_APP_PASSWORD(_FILE) as well, DATABASE_URL is that role's
# (rows only, subject to row-level security), and `migrate` alone also gets the owner's URL as
# DATABASE_MIGRATION_URL: gateways and workers never hold the owner's password.
set -eu

# file_env NAME: export NAME from the file named by NAME_FILE, if that is set.
file_env() {
    name="$1"
    eval "value=\${$name:-}"
    eval "file=\${${name}_FILE:-}"
    if [ -n "$file" ]; then
        if [ -n "$value" ]; then
            echo "docker-entrypoint: both $name and ${name}_FILE are set; use one" >&2
            exit 64
        fi
        if [ ! -r "$file" ]; then
            echo "docker-entrypoint: ${name}_FILE=$file is not readable by uid $(id -u)" >&2
            exit 66
        fi
        value="$(cat "$file")"
        export "$name=$value"
        unset "${name}_FILE"
    fi
}

file_env CAREFLOW_MASTER_KEYS
file_env DATABASE_URL
file_env CAREFLOW_JWT_SIGNING_KEY
file_env CAREFLOW_METRICS_TOKEN
file_env POSTGRES_PASSWORD
file_env POSTGRES_APP_PASSWORD

if [ -z "${DATABASE_URL:-}" ] && [ -n "${POSTGRES_HOST:-}" ]; then
    : "${POSTGRES_USER:?POSTGRES_USER is required with POSTGRES_HOST}"
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE is required with POSTGRES_HOST}"
    : "${POSTGRES_DB:?POSTGRES_DB is required with POSTGRES_HOST}"
    DATABASE_URL="postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:${POSTGRES_PORT:-5432}/${POSTGRES_DB}${POSTGRES_URL_QUERY:-}"
    if [ -n "${POSTGRES_APP_USER:-}" ]; then
        : "${POSTGRES_APP_PASSWORD:?POSTGRES_APP_PASSWORD or POSTGRES_APP_PASSWORD_FILE is required with POSTGRES_APP_USER}"
        if [ "${1:-}" = "migrate" ]; then
            DATABASE_MIGRATION_URL="$DATABASE_URL"
            export DATABASE_MIGRATION_URL
        fi
        DATABASE_URL="postgres://${POSTGRES_APP_USER}:${POSTGRES_APP_PASSWORD}@${POSTGRES_HOST}:${POSTGRES_PORT:-5432}/${POSTGRES_DB}${POSTGRES_URL_QUERY:-}"
    fi
    export DATABASE_URL
fi
# The app needs only DATABASE_URL (and `migrate` DATABASE_MIGRATION_URL); do not leave a second
# copy of the passwords around.
unset POSTGRES_PASSWORD POSTGRES_APP_PASSWORD

exec /app/careflow "$@"
