#!/usr/bin/env bash
# A throwaway Virtuoso for the kg tests: 127.0.0.1 only, fresh database, random dba password.
#
#   eval "$(.ci/virtuoso.sh start)"   # install if needed, start, wait, print `export` lines
#   .ci/virtuoso.sh env               # print the lines again for the running server
#   .ci/virtuoso.sh status            # exit 0 when running and answering
#   .ci/virtuoso.sh stop              # stop it and delete its database
#
# Printed variables: KG_VIRTUOSO_PORT (SQL port), KG_VIRTUOSO_HTTP (HTTP port),
# KG_STORE_PASSWORD (dba password), KG_VIRTUOSO_DIR (its folder). Logs go to stderr.
# Overrides: KG_VIRTUOSO_PORT / KG_VIRTUOSO_HTTP (ports), KG_VIRTUOSO_STATE (folder),
# KG_VIRTUOSO_WAIT (seconds to wait for readiness, default 60).
set -euo pipefail

STATE="${KG_VIRTUOSO_STATE:-${TMPDIR:-/tmp}/kg-virtuoso-$(id -u)}"
ENV_FILE="$STATE/env"
PID_FILE="$STATE/pid"
WAIT="${KG_VIRTUOSO_WAIT:-60}"

log() { printf 'virtuoso.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

install_virtuoso() {
  command -v virtuoso-t >/dev/null 2>&1 && return 0
  log "installing virtuoso-opensource-7-bin"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "virtuoso-t is missing and I am not root (no sudo)"
    sudo="sudo"
  fi
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q virtuoso-opensource-7-bin >&2
  command -v virtuoso-t >/dev/null 2>&1 || die "virtuoso-t not found after installing"
}

free_port() {  # a TCP port nobody listens on now
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

http_ok() {  # $1 = HTTP port; true when the SPARQL endpoint answers 200
  python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
url = f"http://127.0.0.1:{sys.argv[1]}/sparql?query=ASK%7B%7D"
with opener.open(url, timeout=2) as reply:
    sys.exit(0 if reply.status == 200 else 1)
PY
}

running_pid() {  # prints the pid of our server if it is alive
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "virtuoso-t" ] || return 1
  printf '%s\n' "$pid"
}

print_env() { cat "$ENV_FILE"; }

password_ok() {  # $1 = HTTP port, $2 = password; true when dba can log in over HTTP digest
  KG_PW="$2" python3 - "$1" <<'PY' 2>/dev/null
import os, sys, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/sparql-auth?query=ASK%7B%7D"
manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
manager.add_password(None, url, "dba", os.environ["KG_PW"])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPDigestAuthHandler(manager))
with opener.open(url, timeout=5) as reply:
    sys.exit(0 if reply.status == 200 else 1)
PY
}

write_ini() {  # $1 = folder, $2 = SQL port, $3 = HTTP port
  cat > "$1/virtuoso.ini" <<EOF
[Database]
DatabaseFile = $1/db/virtuoso.db
ErrorLogFile = $1/db/virtuoso.log
LockFile = $1/db/virtuoso.lck
TransactionFile = $1/db/virtuoso.trx
xa_persistent_file = $1/db/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = $1/db/virtuoso-temp.db
TransactionFile = $1/db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:$2
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., $1
VADInstallDir = $1/vad

[HTTPServer]
ServerPort = 127.0.0.1:$3
ServerRoot = $1/www
ServerThreads = 4
MaxKeepAlives = 4
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
EOF
}

start() {
  local pid
  if pid="$(running_pid)"; then
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    if http_ok "$KG_VIRTUOSO_HTTP"; then
      log "already running (pid $pid)"
      print_env
      return 0
    fi
    log "pid $pid is not answering; restarting"
    stop_server
  fi
  rm -rf "$STATE"
  install_virtuoso

  local sql_port="${KG_VIRTUOSO_PORT:-$(free_port)}"
  local http_port="${KG_VIRTUOSO_HTTP:-$(free_port)}"
  [ "$sql_port" != "$http_port" ] || http_port="$(free_port)"
  local password
  # 20 characters: Virtuoso 7.2 silently ignores a longer +pwddba value.
  password="$(python3 -c 'import secrets, string; a = string.ascii_letters + string.digits; print("kg" + "".join(secrets.choice(a) for _ in range(18)))')"
  [ "${#password}" -eq 20 ] || die "could not make a password"

  (umask 077; mkdir -p "$STATE/db" "$STATE/www" "$STATE/vad")
  write_ini "$STATE" "$sql_port" "$http_port"

  # Create the database and replace the default dba password before the server listens.
  virtuoso-t +configfile "$STATE/virtuoso.ini" +foreground +checkpoint-only \
    +pwdold dba +pwddba "$password" > "$STATE/init.log" 2>&1 \
    || { tail -20 "$STATE/init.log" >&2; die "database creation failed"; }
  grep -q "The DBA password is changed" "$STATE/db/virtuoso.log" \
    || { tail -20 "$STATE/db/virtuoso.log" >&2; die "could not set the dba password"; }

  cd "$STATE"
  setsid virtuoso-t +configfile "$STATE/virtuoso.ini" +foreground > "$STATE/server.log" 2>&1 < /dev/null &
  echo $! > "$PID_FILE"
  cd - > /dev/null

  local deadline=$((SECONDS + WAIT))
  until http_ok "$http_port"; do
    if ! running_pid > /dev/null; then
      tail -20 "$STATE/db/virtuoso.log" >&2 || true
      die "virtuoso-t exited during startup"
    fi
    [ "$SECONDS" -lt "$deadline" ] || { stop_server; die "not ready after ${WAIT}s"; }
    sleep 0.2
  done
  password_ok "$http_port" "$password" || { stop_server; die "the new dba password does not work"; }

  (umask 077; cat > "$ENV_FILE" <<EOF
export KG_VIRTUOSO_PORT=$sql_port
export KG_VIRTUOSO_HTTP=$http_port
export KG_STORE_PASSWORD=$password
export KG_VIRTUOSO_DIR=$STATE
EOF
  )
  log "ready: SQL 127.0.0.1:$sql_port, HTTP http://127.0.0.1:$http_port/sparql (pid $(cat "$PID_FILE"))"
  print_env
}

stop_server() {
  local pid
  if pid="$(running_pid)"; then
    kill -TERM "$pid"
    local deadline=$((SECONDS + 20))
    while [ -d "/proc/$pid" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if [ -d "/proc/$pid" ]; then
      log "pid $pid did not stop; killing it"
      kill -KILL "$pid" || true
    fi
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  rm -rf "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop_server ;;
  env) running_pid > /dev/null || die "not running"; print_env ;;
  status)
    if running_pid > /dev/null; then
      # shellcheck disable=SC1090
      . "$ENV_FILE"; http_ok "$KG_VIRTUOSO_HTTP" && { log "running"; exit 0; }
    fi
    log "not running"; exit 1 ;;
  *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
