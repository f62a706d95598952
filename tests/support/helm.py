"""Rendering deploy/helm/qsfund offline and validating what it renders against schemas."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "qsfund"
CRD_SCHEMAS = REPO / "deploy" / "helm" / "crd-schemas"
# The Kubernetes release rendered for and validated against (kubernetes-validate's schemas).
KUBE_VERSION = "1.33.0"
HELM_VERSION = "v3.22.0"

Manifest = dict[str, Any]


def helm_binary() -> str | None:
    """QSFUND_HELM, else helm on PATH, else the one `make helm` builds."""
    cache_dir = Path(os.environ.get("QSFUND_CACHE", Path.home() / ".cache" / "qsfund"))
    built = cache_dir / "bin" / f"helm-{HELM_VERSION}" / "helm"
    for candidate in (os.environ.get("QSFUND_HELM"), shutil.which("helm"), str(built)):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def helm(*args: str) -> subprocess.CompletedProcess[str]:
    binary = helm_binary()
    assert binary, "helm is not installed (make helm)"
    return subprocess.run(
        [binary, *args, "--kube-version", KUBE_VERSION],
        capture_output=True,
        text=True,
        check=False,
    )


def render(*settings: str) -> list[Manifest]:
    """The objects `helm template` renders with these `--set` settings."""
    done = helm("template", "qsfund", str(CHART), *[f"--set={s}" for s in settings])
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def crd_schema(manifest: Manifest) -> dict[str, Any] | None:
    """The custom resource's schema, made strict; None for any other kind (Kubernetes' own:
    kubernetes-validate knows them, and refuses a kind it does not)."""
    group, _, version = manifest["apiVersion"].rpartition("/")
    if not group or not (CRD_SCHEMAS / group).is_dir():
        return None
    return _strict_schema(f"{group}/{manifest['kind'].lower()}_{version}.json")


@cache
def _strict_schema(relative: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((CRD_SCHEMAS / relative).read_text())
    _forbid_unknown_fields(schema)
    return schema


def _forbid_unknown_fields(node: Any) -> None:
    """What kubeconform -strict does: an object's fields are the ones its schema names."""
    if isinstance(node, dict):
        if (
            "properties" in node
            and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")
        ):
            node["additionalProperties"] = False
        for value in node.values():
            _forbid_unknown_fields(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_unknown_fields(value)
