#!/usr/bin/env bash
# Stops an engine started by start-dockerd.sh:  test/support/docker/stop-dockerd.sh DIR [--purge]
# --purge also deletes DIR (images included); without it the next start reuses the cache.
set -euo pipefail

dir="${1:?usage: stop-dockerd.sh DIR [--purge]}"
pidfile="$dir/docker.pid"

if [[ -f "$pidfile" ]]; then
  pid="$(cat "$pidfile")"
  if kill "$pid" 2>/dev/null; then
    # dockerd stops its containers first (default 15 s shutdown timeout): wait a little longer.
    for _ in $(seq 1 80); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop-dockerd: pid $pid still alive after 20 s; sending SIGKILL" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
fi

if [[ "${2:-}" == "--purge" ]]; then
  # Overlay mounts under data/ must be gone before the tree can be removed.
  grep -o " $dir/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$dir"
fi
