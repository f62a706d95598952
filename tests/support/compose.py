"""Running deploy/compose.yaml for real: a project of the test's own, on free host ports."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

from tests.support.processes import free_port

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "deploy" / "compose.yaml"
PORTS = (
    "KAFKA",
    "POSTGRES",
    "APPLICATIONS",
    "SCORING",
    "NOTIFICATIONS",
    "PAYMENTS",
    "REGISTER",
    "REPORTS",
    "FINANCE_STANDIN",
)
# The services that wait for the migrations (the finance stand-in needs none).
SERVICES = ("applications", "scoring", "notifications", "payments", "register", "reports")


@dataclass
class ComposeStack:
    project: str
    env: dict[str, str]
    ports: dict[str, int] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service.upper().replace('-', '_')]}"

    def compose(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["docker", "compose", "-p", self.project, "-f", str(COMPOSE_FILE), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"docker compose {' '.join(args)}: {done.stderr}{done.stdout}")
        return done

    def exec(self, service: str, *command: str) -> subprocess.CompletedProcess[str]:
        return self.compose("exec", "-T", service, *command, check=False)

    def token(self, role: str, *options: str) -> dict[str, str]:
        """A token minted inside the stack, with its own development key pair."""
        done = self.exec("applications", "qsfund-token", "--role", role, *options)
        assert done.returncode == 0, done.stderr
        return {"Authorization": f"Bearer {done.stdout.strip()}"}

    def containers(self) -> dict[str, Any]:
        """Each service's container as `docker inspect` sees it, by service name."""
        ids = self.compose("ps", "--all", "--quiet").stdout.split()
        found = json.loads(
            subprocess.run(
                ["docker", "inspect", *ids], capture_output=True, text=True, check=True
            ).stdout
        )
        return {c["Config"]["Labels"]["com.docker.compose.service"]: c for c in found}


@contextmanager
def compose_stack(timeout: float = 600) -> Iterator[ComposeStack]:
    """Up (healthy, in dependency order) with the images already built, then down with
    its volumes. Host ports from <NAME>_HOST_PORT when set, else free ones."""
    env = {**os.environ}
    for name in PORTS:
        env.setdefault(f"{name}_HOST_PORT", str(free_port()))
    env.setdefault("QSFUND_KAFKA_IMAGE", "qsfund/kafka:4.4.0")
    env.setdefault("QSFUND_POSTGRES_IMAGE", "qsfund/postgres:15")
    stack = ComposeStack(
        f"qsfund-test-{uuid4().hex[:8]}",
        env,
        {name: int(env[f"{name}_HOST_PORT"]) for name in PORTS},
    )
    started = time.monotonic()
    try:
        stack.compose("up", "--detach", "--no-build", "--wait", "--wait-timeout", str(int(timeout)))
        print(f"compose stack {stack.project} healthy in {time.monotonic() - started:.0f} s")
        yield stack
    except BaseException:
        print(stack.compose("logs", "--no-color", "--tail", "60", check=False).stdout)
        raise
    finally:
        stack.compose("down", "--volumes", "--timeout", "20", check=False)
