#!/usr/bin/env bash
# Builds a Go command-line tool the deployment needs, once per version, and prints its path.
#
# Usage: deploy/tools/go-build.sh helm|compose
#   helm     helm.sh/helm/v3 (renders and lints deploy/helm/qsfund)
#   compose  the Docker Compose v2 CLI plugin, also linked into ~/.docker/cli-plugins so
#            that `docker compose` finds it
#
# Both come from the Go module proxy (no release download needed), built with the Go at
# $GO (default: go on PATH, else /usr/local/go/bin/go) into $QSFUND_CACHE/bin/<tool>-<version>/,
# so a second run finds them built.
#
# Environment (defaults): HELM_VERSION=v3.22.0, COMPOSE_VERSION=v2.40.3,
#   QSFUND_CACHE=$HOME/.cache/qsfund
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
COMPOSE_VERSION="${COMPOSE_VERSION:-v2.40.3}"
CACHE="${QSFUND_CACHE:-${HOME:-/root}/.cache/qsfund}"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"

log() { printf '[go-build] %s\n' "$*" >&2; }
need_go() { [[ -x "$GO" ]] || { log "Go not found (set GO=/path/to/go)"; exit 1; }; }

build_helm() {
    local dir="$CACHE/bin/helm-$HELM_VERSION"
    if [[ ! -x "$dir/helm" ]] || ! "$dir/helm" version --short | grep -q "^$HELM_VERSION"; then
        need_go
        log "building helm $HELM_VERSION (a few minutes, once)"
        # As helm's own Makefile stamps a release: its version, and the Kubernetes version it
        # assumes when none is given (that of the client-go it is built with, v0.37).
        local v=helm.sh/helm/v3
        GOBIN="$dir" "$GO" install -trimpath -ldflags "-s -w -X $v/internal/version.version=$HELM_VERSION \
            -X $v/pkg/chartutil.k8sVersionMajor=1 -X $v/pkg/chartutil.k8sVersionMinor=37 \
            -X $v/pkg/lint/rules.k8sVersionMajor=1 -X $v/pkg/lint/rules.k8sVersionMinor=37" \
            "$v/cmd/helm@$HELM_VERSION" >&2
    fi
    echo "$dir/helm"
}

build_compose() {
    local dir="$CACHE/bin/compose-$COMPOSE_VERSION" plugins="${DOCKER_CONFIG:-${HOME:-/root}/.docker}/cli-plugins"
    if [[ ! -x "$dir/docker-compose" ]]; then
        need_go
        log "building the Compose plugin $COMPOSE_VERSION (a few minutes, once)"
        # `go install module@version` refuses a module whose go.mod has exclude directives,
        # as Compose's has: a module of our own that requires it builds it.
        local work
        work="$(mktemp -d)"
        (
            cd "$work"
            "$GO" mod init qsfund.local/compose-build >/dev/null 2>&1
            "$GO" get "github.com/docker/compose/v2/cmd@$COMPOSE_VERSION" >&2
            "$GO" build -trimpath -o "$dir/docker-compose" \
                -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
                github.com/docker/compose/v2/cmd >&2
        )
        rm -rf "$work"
    fi
    mkdir -p "$plugins"
    ln -sf "$dir/docker-compose" "$plugins/docker-compose"
    echo "$dir/docker-compose"
}

case "${1:-}" in
    helm) build_helm ;;
    compose) build_compose ;;
    *) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
