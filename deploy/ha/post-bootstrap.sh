#!/bin/sh
# Run by Patroni once, on the node that initialises the cluster, with a superuser
# connection string as $1: the application's role and database.
set -eu
psql "$1" -v ON_ERROR_STOP=1 -v pw="$POSTGRES_PASSWORD" <<'SQL'
create role stockroom login password :'pw';
create database stockroom owner stockroom;
SQL
