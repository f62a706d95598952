"""Running the real services (and the bare relay) as processes a test can kill."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServiceProcess:
    """One service process; `port` is where its health endpoint answers, if it has one."""

    def __init__(
        self, argv: list[str], env: dict[str, str], log: Path, port: int | None = None
    ) -> None:
        self.argv = argv
        self.env = {**os.environ, **env}
        self.log = log
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def service(cls, name: str, env: dict[str, str], log_dir: Path) -> ServiceProcess:
        port = free_port()
        env = {**env, f"{name.upper()}_PORT": str(port)}
        return cls([str(BIN / f"qsfund-{name}")], env, log_dir / f"{name}.log", port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> ServiceProcess:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv, env=self.env, stdout=out, stderr=out, cwd=REPO
            )
        if self.port is not None:
            self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.argv[0]} exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.argv[0]} not healthy after {timeout}s")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush, no commit — the crash a test wants."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 30) -> int | None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode if self.process else None
