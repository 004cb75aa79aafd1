#!/usr/bin/env bash
# Starts or stops a PgBouncer in transaction mode on 127.0.0.1:6432 in front of the local PostgreSQL:
# our stand-in for RDS Proxy, which also multiplexes transactions over shared server connections.
set -euo pipefail
dir=/tmp/data-api-pgbouncer
bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
case "${1:-start}" in
start)
  mkdir -p "$dir"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,application_name
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
INI
  # Trust authentication still admits only the users listed: the owner the migrations run as, and the application
  # role the app tests connect as (packages/core/test/support/database.ts).
  printf '"%s" ""\n' postgres data_api >"$dir/userlist.txt"
  # One already running (from an earlier start) rereads its settings and userlist.
  if [ -f "$dir/pgbouncer.pid" ] && kill -0 "$(cat "$dir/pgbouncer.pid")" 2>/dev/null; then kill -HUP "$(cat "$dir/pgbouncer.pid")"; exit 0; fi
  # PgBouncer refuses to run as root; drop to the postgres system user.
  chown -R postgres "$dir"
  su postgres -s /bin/sh -c "$bin -d $dir/pgbouncer.ini"
  for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/6432) 2>/dev/null && exit 0; sleep 0.1; done
  echo "pgbouncer did not start; log:" >&2; cat "$dir/pgbouncer.log" >&2; exit 1
  ;;
stop)
  [ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  ;;
esac
