#!/usr/bin/env bash
# What the tests need from the operating system: Debian's Chromium (never
# `playwright install`: browser downloads fail here), Dovecot (the IMAP server the mail
# tests start on a port of their own; the system service is not needed) and a running
# PostgreSQL on 127.0.0.1:5432 with a `test` database. Installs with apt-get only what is
# missing.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)  # the tests' IMAP server
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing with apt-get: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  $SUDO pg_createcluster "$pg_version" main --start >/dev/null
fi
cluster_version=$(pg_lsclusters -h | awk '$2 == "main" {print $1; exit}')
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "${cluster_version:-$pg_version}" main start || true
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432

as_postgres() { $SUDO runuser -u postgres -- "$@"; }
# Fresh Debian clusters ask TCP clients for a password: give `postgres` the one tests use.
if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
  as_postgres psql -q -c "ALTER USER postgres PASSWORD 'postgres'"
fi
if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1 from pg_database where datname='test'" | grep -q 1; then
  PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE test'
fi
echo "system dependencies ready: $(/usr/bin/chromium --version 2>/dev/null | head -n 1), Dovecot $(/usr/sbin/dovecot --version | awk '{print $1}'), PostgreSQL $(psql --version | awk '{print $3}') on 127.0.0.1:5432"
