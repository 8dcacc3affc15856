#!/usr/bin/env bash
# A PostgreSQL server for the test suites, on 127.0.0.1:5432: installs Debian's `postgresql` when
# missing (root), starts its cluster, creates the role motcua_test (may create databases; the
# suites make a fresh database each and drop it), and prints the line to eval:
#   eval "$(bash scripts/test-postgres.sh)"     # then: npm test
# Idempotent. Test-only credentials: never use this role for a deployment.
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >/dev/null
fi
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$version" main >&2
  cluster="$version main"
fi
# shellcheck disable=SC2086
pg_ctlcluster $cluster start >&2 2>/dev/null || true
# shellcheck disable=SC2086
port=$(pg_lsclusters -h | awk -v c="$cluster" '$1" "$2==c {print $3}')
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.2
done
runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_test') THEN
    CREATE ROLE motcua_test LOGIN CREATEDB PASSWORD 'motcua_test';
  END IF;
END $$;
SQL
echo "export MOTCUA_TEST_POSTGRES_URL=postgres://motcua_test:motcua_test@127.0.0.1:$port/postgres"
