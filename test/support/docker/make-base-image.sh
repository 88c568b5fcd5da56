#!/usr/bin/env bash
# Builds a local stand-in for node:20-bookworm-slim when no registry is reachable (CI, offline machines):
# Debian bookworm minbase from the configured mirror + this machine's `node` + tini, then `docker import`.
#
#   test/support/docker/make-base-image.sh [TAG] [CACHE_DIR]
#     TAG        default bentoc-test-base:node20  (or $BENTOC_TEST_BASE_IMAGE)
#     CACHE_DIR  default /tmp/bentoc-base-cache   (holds the rootfs tarball, reused across engines)
#
# Idempotent: does nothing when the engine already has TAG. Needs root (debootstrap) and DOCKER_HOST
# pointing at an engine (see start-dockerd.sh).
set -euo pipefail

log() { echo "make-base-image: $*" >&2; }

tag="${1:-${BENTOC_TEST_BASE_IMAGE:-bentoc-test-base:node20}}"
cache="${2:-/tmp/bentoc-base-cache}"

if docker image inspect "$tag" >/dev/null 2>&1; then
  log "$tag already present"
  exit 0
fi

node_bin="$(command -v node)"
node_version="$("$node_bin" --version)"
# The tarball name carries the Node version: a new Node on the host means a new rootfs.
tarball="$cache/bookworm-minbase-tini-node-${node_version}.tar"

if [[ ! -s "$tarball" ]]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends debootstrap >&2 \
      || { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends debootstrap >&2; }
  fi
  mirror="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  mkdir -p "$cache"
  root="$(mktemp -d "$cache/rootfs.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  log "debootstrap bookworm (minbase + tini + ca-certificates) from $mirror"
  debootstrap --variant=minbase --include=tini,ca-certificates bookworm "$root" "$mirror" >&2

  # Node: the official Linux binaries need only glibc and libstdc++, which minbase has.
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  # Slim the image like the official slim images do: no apt lists, docs or caches.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
  # Point apt at the same mirror so `docker.system_packages` work inside images built on this base.
  echo "deb $mirror bookworm main" > "$root/etc/apt/sources.list"

  tar --numeric-owner -C "$root" -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
  rm -rf "$root"
  trap - EXIT
fi

log "importing $tarball as $tag"
# Same defaults as the official node images, so a Dockerfile written for them works here too.
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  "$tarball" "$tag" >&2
log "built $tag ($("$node_bin" --version), tini)"
