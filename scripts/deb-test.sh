#!/usr/bin/env bash
# Builds the Debian package and tries it on this machine, as root:
#
#   scripts/deb-test.sh            # build with cargo-deb, install, start, upgrade, purge
#   DEB=path/to/jixiao_*.deb scripts/deb-test.sh   # test a package built elsewhere
#
# Checks:
#   - the install: the system user and group `jixiao`, /var/lib/jixiao (jixiao:jixiao, 0750),
#     /etc/jixiao/jixiao.env (root:jixiao, 0640, a conffile), the unit in /lib/systemd/system, the
#     binary on the PATH;
#   - the start: the unit's own commands, as the unit runs them (`jixiao migrate`, then
#     `jixiao serve` as user jixiao with the settings file; systemctl when systemd runs this
#     machine), until /healthz answers 200, and the SQLite database then belongs to jixiao;
#   - the upgrade: installing the package again runs `jixiao migrate` from postinst and keeps the
#     data and a changed settings file;
#   - the purge: the user is removed, the data directory is kept.
# Needs cargo-deb (`cargo install cargo-deb --locked`) unless DEB is given, and curl.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ "$(id -u)" = 0 ] || { echo "run as root: the test installs a package" >&2; exit 1; }
command -v curl >/dev/null || { echo "missing: curl" >&2; exit 1; }

if [ -z "${DEB:-}" ]; then
  command -v cargo-deb >/dev/null || { echo "missing: cargo-deb (cargo install cargo-deb --locked)" >&2; exit 1; }
  DEB=$(cargo deb -p jixiao --locked 2>/dev/null | tail -n 1)
fi
echo "== package: $DEB ($(du -h "$DEB" | cut -f1))"
dpkg-deb --info "$DEB" | sed -n '/Package:/,/Description:/p'

fail() { echo "FAIL: $*" >&2; exit 1; }
check_owner() { # PATH OWNER:GROUP MODE
  local got
  got=$(stat -c '%U:%G %a' "$1")
  [ "$got" = "$2 $3" ] || fail "$1 is $got, expected $2 $3"
  echo "ok: $1 $got"
}

dpkg --purge jixiao >/dev/null 2>&1 || true
rm -rf /var/lib/jixiao
echo "== install"
dpkg -i "$DEB"
getent passwd jixiao >/dev/null || fail "no user jixiao"
[ "$(getent passwd jixiao | cut -d: -f7)" = /usr/sbin/nologin ] || fail "jixiao has a login shell"
echo "ok: user $(getent passwd jixiao)"
check_owner /var/lib/jixiao jixiao:jixiao 750
check_owner /etc/jixiao/jixiao.env root:jixiao 640
[ -f /lib/systemd/system/jixiao.service ] || fail "no unit file"
echo "ok: /lib/systemd/system/jixiao.service"
grep -qx /etc/jixiao/jixiao.env /var/lib/dpkg/info/jixiao.conffiles || fail "settings are not a conffile"
echo "ok: /etc/jixiao/jixiao.env is a conffile"
jixiao --version

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The test listens on a free port and over plain HTTP (no TLS in front of it here).
sed -i "s/^JIXIAO_LISTEN=.*/JIXIAO_LISTEN=127.0.0.1:$PORT/; s/^JIXIAO_SECURE_COOKIES=.*/JIXIAO_SECURE_COOKIES=false/" /etc/jixiao/jixiao.env

SERVER=""
start() {
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl start jixiao
  else
    # No systemd here (a container): run what the unit runs, as the unit runs it (its user,
    # settings file, working directory and umask).
    runuser -u jixiao -- sh -c 'umask 0027; set -a; . /etc/jixiao/jixiao.env; set +a; cd /var/lib/jixiao; /usr/bin/jixiao migrate' 
    runuser -u jixiao -- sh -c 'umask 0027; set -a; . /etc/jixiao/jixiao.env; set +a; cd /var/lib/jixiao; exec /usr/bin/jixiao serve' \
      > /tmp/jixiao-deb-test.log 2>&1 &
    SERVER=$!
  fi
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat /tmp/jixiao-deb-test.log 2>/dev/null; fail "/healthz does not answer"; }
  echo "ok: the service answers /healthz on port $PORT"
}
stop() {
  if [ -d /run/systemd/system ]; then
    systemctl stop jixiao
  elif [ -n "$SERVER" ]; then
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  fi
}
trap stop EXIT

echo "== start"
start
db=$(find /var/lib/jixiao -maxdepth 1 -name '*.db' -o -maxdepth 1 -name '*.sqlite' | head -n 1)
[ -n "$db" ] || fail "no database in /var/lib/jixiao: $(ls -la /var/lib/jixiao)"
# The unit's UMask=0027: the database is not readable by other users.
check_owner "$db" jixiao:jixiao 640
stop

echo "== upgrade (the same package again: postinst migrates)"
dpkg -i "$DEB" 2>&1 | tail -n 3
grep -q "127.0.0.1:$PORT" /etc/jixiao/jixiao.env || fail "the changed settings were not kept"
echo "ok: the changed settings were kept"
[ -f "$db" ] || fail "the database is gone"
echo "ok: the database is kept"
start
stop
trap - EXIT

echo "== purge"
dpkg --purge jixiao 2>&1 | tail -n 2
getent passwd jixiao >/dev/null && fail "user jixiao still there"
echo "ok: user removed"
[ -d /var/lib/jixiao ] || fail "the data directory was removed"
echo "ok: /var/lib/jixiao kept"
rm -rf /var/lib/jixiao
echo "deb test passed"
