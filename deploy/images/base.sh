#!/usr/bin/env bash
# Prints the Debian base image the qsfund Dockerfiles build on, making it first if need be.
#
# The official `debian:bookworm-slim` when it is present or Docker Hub answers; otherwise
# the same Debian release built here from Debian's own packages: `debootstrap --variant=minbase
# bookworm` from the package mirror, imported with `docker import` as qsfund/debian:bookworm.
# The root file system is cached as a tarball ($QSFUND_CACHE/debian-bookworm-minbase.tar.gz)
# so a second machine run only imports it.
#
# Environment: BASE_IMAGE (skip the choice: use this one), DEBIAN_MIRROR
# (default http://deb.debian.org/debian), QSFUND_CACHE (default ~/.cache/qsfund).
set -euo pipefail

OFFICIAL=debian:bookworm-slim
OWN=qsfund/debian:bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${QSFUND_CACHE:-${HOME:-/root}/.cache/qsfund}"
ROOTFS="$CACHE/debian-bookworm-minbase.tar.gz"

log() { printf '[base] %s\n' "$*" >&2; }

if [[ -n "${BASE_IMAGE:-}" ]]; then
    echo "$BASE_IMAGE"
    exit 0
fi
for image in "$OFFICIAL" "$OWN"; do
    if docker image inspect "$image" >/dev/null 2>&1; then
        echo "$image"
        exit 0
    fi
done
if timeout 60 docker pull --quiet "$OFFICIAL" >/dev/null 2>&1; then
    echo "$OFFICIAL"
    exit 0
fi
log "$OFFICIAL cannot be pulled: building $OWN from Debian's packages"
if [[ ! -s "$ROOTFS" ]]; then
    command -v debootstrap >/dev/null || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
    start=$SECONDS
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    debootstrap --variant=minbase bookworm "$work/root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    # As the official slim image: no package lists or caches in the layer.
    rm -rf "$work"/root/var/lib/apt/lists/* "$work"/root/var/cache/apt/*.bin \
        "$work"/root/var/cache/apt/archives/*.deb
    mkdir -p "$CACHE"
    tar -C "$work/root" --numeric-owner -czf "$ROOTFS.tmp" .
    mv "$ROOTFS.tmp" "$ROOTFS"
    log "debootstrap took $((SECONDS - start)) s"
fi
docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' \
    --message "debootstrap --variant=minbase bookworm $MIRROR" "$ROOTFS" "$OWN" >/dev/null
echo "$OWN"
