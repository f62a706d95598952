#!/usr/bin/env bash
# Builds the images: qsfund:<version> (the services), and for the Compose stack and the
# tests qsfund/kafka:<kafka version> and qsfund/postgres:15; prints their sizes.
#
# Usage: deploy/images/build.sh [qsfund|kafka|postgres ...]   (default: all three)
#
# On Debian bookworm: the official debian:bookworm-slim where Docker Hub answers, else
# one made here from Debian's packages (base.sh). Builds use BuildKit (a build secret
# carries PyPI's certificate authority); with a docker client that has no buildx
# plugin, Debian's own client (/usr/bin/docker, BuildKit built in) does the builds.
#
# Environment (defaults): PIP_CA (the file `pip config list` names as global.cert, if any),
#   KAFKA_VERSION=4.4.0, QSFUND_CACHE=~/.cache/qsfund, BASE_IMAGE (see base.sh).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/deploy/images"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/pyproject.toml")"
log() { printf '[images] %s\n' "$*" >&2; }

if docker buildx version >/dev/null 2>&1; then
    DOCKER=docker
elif [[ -x /usr/bin/docker ]] && DOCKER_BUILDKIT=1 /usr/bin/docker build --help 2>/dev/null | grep -q -- '--secret'; then
    DOCKER=/usr/bin/docker
else
    log "no docker client that builds with BuildKit (install the buildx plugin)"
    exit 1
fi
export DOCKER_BUILDKIT=1

pip_ca() {
    local ca="${PIP_CA:-${PIP_CERT:-}}"
    if [[ -z "$ca" ]] && command -v pip3 >/dev/null; then
        ca="$(pip3 config list 2>/dev/null | sed -n "s/^[^=]*\.cert='\(.*\)'$/\1/p" | head -n 1)"
    fi
    [[ -n "$ca" && -s "$ca" ]] && echo "$ca"
}

build_qsfund() {
    local secret=() ca
    if ca="$(pip_ca)"; then
        secret=(--secret "id=pip-ca,src=$ca")
    fi
    "$DOCKER" build --progress=plain "${secret[@]}" -f "$HERE/qsfund.Dockerfile" \
        --build-arg "BASE_IMAGE=$BASE" --build-arg "VERSION=$VERSION" \
        --build-arg "REVISION=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)" \
        -t "qsfund:$VERSION" -t qsfund:local "$REPO"
}

build_kafka() {
    local libs context
    libs="$(KAFKA_VERSION="$KAFKA_VERSION" "$REPO/deploy/local/kafka.sh" fetch >&2 \
        && echo "${QSFUND_CACHE:-$HOME/.cache/qsfund}/kafka-$KAFKA_VERSION/libs")"
    context="$(mktemp -d)"
    cp -r "$libs" "$context/libs"
    cp "$HERE"/kafka/* "$context/"
    "$DOCKER" build --progress=plain --build-arg "BASE_IMAGE=$BASE" \
        --build-arg "KAFKA_VERSION=$KAFKA_VERSION" -t "qsfund/kafka:$KAFKA_VERSION" "$context"
    rm -rf "$context"
}

build_postgres() {
    "$DOCKER" build --progress=plain --build-arg "BASE_IMAGE=$BASE" -t qsfund/postgres:15 "$HERE/postgres"
}

BASE="$("$HERE/base.sh")"
log "base image: $BASE"
for image in "${@:-qsfund kafka postgres}"; do
    for one in $image; do
        start=$SECONDS
        "build_$one" > "/tmp/qsfund-image-$one.log" 2>&1 \
            || { tail -n 40 "/tmp/qsfund-image-$one.log" >&2; log "$one: build failed"; exit 1; }
        log "$one built in $((SECONDS - start)) s"
    done
done
docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -E '^qsfund' >&2
