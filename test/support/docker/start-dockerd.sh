#!/usr/bin/env bash
# Starts a private Docker engine for bentoc's image tests and prints the line to point clients at it.
#
#   eval "$(test/support/docker/start-dockerd.sh [DIR])"    # DIR default: a fresh temp dir
#   test/support/docker/stop-dockerd.sh DIR                 # or: kill "$(cat DIR/docker.pid)"
#
# Everything (images, containers, sockets) lives under DIR, so it never touches a system engine.
# Reusing the same DIR keeps the image cache between runs. Only the export line goes to stdout.
set -euo pipefail

log() { echo "start-dockerd: $*" >&2; }

if ! command -v dockerd >/dev/null 2>&1; then
  log "dockerd not found; installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  # Only refresh package lists when the install fails on stale or missing ones.
  apt-get install -y -qq --no-install-recommends docker.io >&2 \
    || { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends docker.io >&2; }
fi

# Keep DIR short: containerd's socket lives under it and unix socket paths max out at 108 bytes.
dir="${1:-$(mktemp -d /tmp/bentoc-dockerd.XXXXXX)}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
sock="unix://$dir/docker.sock"
pidfile="$dir/docker.pid"

engine_answers() { docker -H "$sock" info >/dev/null 2>&1; }

if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && engine_answers; then
  log "already running (pid $(cat "$pidfile"))"
else
  rm -f "$pidfile" "$dir/docker.sock"
  # setsid: the engine outlives this script and is not killed by the caller's Ctrl-C on the shell.
  setsid dockerd \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    --pidfile "$pidfile" \
    -H "$sock" \
    >"$dir/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    engine_answers && break
    sleep 0.5
  done
  if ! engine_answers; then
    log "engine did not answer within 60 s; last log lines:"
    tail -n 30 "$dir/dockerd.log" >&2 || true
    exit 1
  fi
  log "running (pid $(cat "$pidfile")), log: $dir/dockerd.log"
fi

echo "export DOCKER_HOST=$sock"
