#!/usr/bin/env bash
# A PostgreSQL server of the test suites' own: a private cluster in $MOTCUA_TEST_PG_DIR
# (default /tmp/motcua-test-pg) on a free loopback port, with the role motcua_test (may create
# databases; the suites make a fresh database each and drop it). It does not touch the machine's
# own clusters, their port 5432 or their socket, so a server already running there (or a system
# cluster that will not start) does not matter. Installs Debian's `postgresql` when no server
# binaries are found (root). Prints the line to eval:
#   eval "$(bash scripts/test-postgres.sh)"     # then: npm test
# Idempotent: a second run finds the cluster running and prints the same line. Exits non-zero,
# with the server's log on stderr, when the server cannot be started. Test-only credentials:
# never use this role for a deployment.
set -euo pipefail
dir=${MOTCUA_TEST_PG_DIR:-/tmp/motcua-test-pg}

# Debian's newest server binaries, else whichever initdb is on the PATH (Homebrew, other distros).
bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
  true
}
bin=$(bindir | head -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >/dev/null
  bin=$(bindir | head -1)
fi

# initdb and the server refuse to run as root: as root they run as Debian's postgres user.
as() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as() { runuser -u postgres -- "$@"; }
fi

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
chmod 700 "$dir"
data="$dir/data"
if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"
  as "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
fi

if as "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  port=$(cat "$dir/port")
else
  port=55432
  while listening "$port"; do port=$((port + 1)); done
  echo "$port" >"$dir/port"
  as "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >&2 ||
    { tail -40 "$dir/server.log" >&2; exit 1; }
fi

as "$bin/psql" -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua_test') THEN
    CREATE ROLE motcua_test LOGIN CREATEDB PASSWORD 'motcua_test';
  END IF;
END $$;
SQL
echo "export MOTCUA_TEST_POSTGRES_URL=postgres://motcua_test:motcua_test@127.0.0.1:$port/postgres"
