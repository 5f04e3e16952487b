#!/usr/bin/env bash
# Starts a PostgreSQL server on 127.0.0.1:5432 with a `careflow` role (owner, migrations), a
# `careflow_app` role (the application's, subject to row-level security) and a `careflow_test`
# database, and prints the owner's URL. Idempotent: safe to run when it is already up.
#
# Only the URL goes to stdout, because callers capture it with $(…). The server itself is
# started with every inherited descriptor closed: a daemon that kept the caller's pipe open
# would make that $(…) (and CI's log reader) wait for ever.
set -euo pipefail

log=/tmp/careflow-postgres-start.log
: >"$log"

# Runs a command detached from every descriptor this script inherited.
detached() {
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec "$@" </dev/null >>"$log" 2>&1
  )
}

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  detached pg_createcluster "$version" main
fi
# The test suite runs its suites in parallel, each with its own connection pool.
conf=/etc/postgresql/$version/main/postgresql.conf
if ! grep -q '^max_connections = 500' "$conf"; then
  echo "max_connections = 500" >> "$conf"
  detached pg_ctlcluster "$version" main restart || true
fi
# A server killed a moment ago can leave its socket lock behind until its last child exits,
# so a failed start is tried again while we wait.
for i in $(seq 0 59); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  if ((i % 5 == 0)); then detached pg_ctlcluster "$version" main start || true; fi
  sleep 1
done
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  cat "$log" >&2
  echo "PostgreSQL did not become ready" >&2
  exit 1
fi
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL' >/dev/null 2>>"$log"
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'careflow') THEN
    CREATE ROLE careflow LOGIN PASSWORD 'careflow';
  END IF;
  -- The backup/restore tests restore into databases of their own, made by the owner.
  ALTER ROLE careflow CREATEDB;
  -- The role the application (and the API tests' apps) connect as: rows only, no schema, no
  -- way around row-level security; `careflow` owns the tables and runs the migrations.
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'careflow_app') THEN
    CREATE ROLE careflow_app LOGIN PASSWORD 'careflow_app' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;
SELECT 'CREATE DATABASE careflow_test OWNER careflow'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'careflow_test')\gexec
SQL
echo "postgres://careflow:careflow@127.0.0.1:5432/careflow_test"
