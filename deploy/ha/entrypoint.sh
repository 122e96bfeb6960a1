#!/bin/sh
# patroni: run a Patroni node (its name and addresses come from PATRONI_* variables).
# pgbouncer: write the one user's password (POSTGRES_PASSWORD) to the auth file, then run.
set -eu
case "${1:-patroni}" in
  patroni)
    exec /usr/bin/patroni /etc/patroni/patroni.yml
    ;;
  pgbouncer)
    printf '"stockroom" "%s"\n' "$POSTGRES_PASSWORD" > /tmp/userlist.txt
    exec /usr/sbin/pgbouncer /etc/pgbouncer/pgbouncer.ini
    ;;
  *)
    exec "$@"
    ;;
esac
