#!/usr/bin/env bash
# Starts a PostgreSQL server on 127.0.0.1:5432 with a `careflow` role and a `careflow_test`
# database, and prints the URL. Idempotent: safe to run when it is already up.
set -euo pipefail
# Only the URL goes to stdout (callers capture it); everything else to stderr.
exec 3>&1 1>&2
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
# The test suite runs its suites in parallel, each with its own connection pool.
conf=/etc/postgresql/$version/main/postgresql.conf
if ! grep -q '^max_connections = 500' "$conf"; then
  echo "max_connections = 500" >> "$conf"
  pg_ctlcluster "$version" main restart 2>/dev/null || true
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432 -q
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'careflow') THEN
    CREATE ROLE careflow LOGIN PASSWORD 'careflow';
  END IF;
END $$;
SELECT 'CREATE DATABASE careflow_test OWNER careflow'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'careflow_test')\gexec
SQL
echo "postgres://careflow:careflow@127.0.0.1:5432/careflow_test" >&3
