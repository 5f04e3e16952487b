#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume
# (/docker-entrypoint-initdb.d). Creates the role CareFlow's gateways and workers connect as:
# it may read and write rows but owns nothing and cannot bypass row-level security, so the
# tenant policies of migration 046 hold for it. The tables' owner ($POSTGRES_USER) runs the
# migrations, which grant this role its privileges. For a volume initialised before this
# script existed, see README, "Row-level security".
set -eu
: "${POSTGRES_APP_USER:?}"
password="$(cat "${POSTGRES_APP_PASSWORD_FILE:?}")"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     --set=role="$POSTGRES_APP_USER" --set=password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', :'role', :'password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\gexec
SQL
