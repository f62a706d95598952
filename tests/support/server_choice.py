"""Which Kafka and PostgreSQL the tests run against, and why: decided once, on purpose.

`QSFUND_TEST_SERVERS` says it: `env` (the servers named by `KAFKA_BOOTSTRAP_SERVERS` and
`QSFUND_TEST_DATABASE_URL`), `containers` (started with testcontainers) or `local` (started
by deploy/local's scripts). Unset, the choice is automatic and says why: the environment's
servers when both variables are set; containers when a Docker engine answers and a Kafka
and a PostgreSQL image are already on it (a pull that cannot succeed, as where Docker Hub
is unreachable, must not fail the whole run); else the local scripts.

Pure: the probes of the engine and its images are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

VARIABLE = "QSFUND_TEST_SERVERS"
KAFKA_VARIABLE = "KAFKA_BOOTSTRAP_SERVERS"
POSTGRES_VARIABLE = "QSFUND_TEST_DATABASE_URL"

# Ours (`make images`) first, then the official ones a developer with Docker Hub has.
KAFKA_IMAGES = ("qsfund/kafka:4.4.0", "apache/kafka:4.4.0")
POSTGRES_IMAGES = ("qsfund/postgres:15", "postgres:15")

Servers = Literal["env", "containers", "local"]


class ServerChoiceError(ValueError):
    """The environment asks for servers that cannot be had; the message says what to set."""


@dataclass(frozen=True)
class ServerChoice:
    servers: Servers
    reason: str
    kafka_image: str = ""
    postgres_image: str = ""

    def headline(self) -> str:
        return f"test servers: {self.servers} ({self.reason})"


def choose_servers(
    environ: Mapping[str, str],
    engine_answers: Callable[[], bool],
    image_present: Callable[[str], bool],
) -> ServerChoice:
    wanted = environ.get(VARIABLE, "").strip()
    if wanted == "env":
        return _from_environment(environ, f"{VARIABLE}=env")
    if wanted == "containers":
        if not engine_answers():
            raise ServerChoiceError(
                f"{VARIABLE}=containers, but no Docker engine answers `docker info`"
            )
        # Asked for by name: an image not on the engine is pulled, and a failed pull fails.
        kafka = _first(environ, "QSFUND_TEST_KAFKA_IMAGE", KAFKA_IMAGES, image_present, pull=True)
        postgres = _first(
            environ, "QSFUND_TEST_POSTGRES_IMAGE", POSTGRES_IMAGES, image_present, pull=True
        )
        return ServerChoice(
            "containers", f"{VARIABLE}=containers; images {kafka}, {postgres}", kafka, postgres
        )
    if wanted == "local":
        return ServerChoice("local", f"{VARIABLE}=local")
    if wanted:
        raise ServerChoiceError(
            f"{VARIABLE} must be one of env, containers, local (or unset), not {wanted!r}"
        )
    return _automatic(environ, engine_answers, image_present)


def _automatic(
    environ: Mapping[str, str],
    engine_answers: Callable[[], bool],
    image_present: Callable[[str], bool],
) -> ServerChoice:
    prefix = f"{VARIABLE} unset: "
    named = [name for name in (KAFKA_VARIABLE, POSTGRES_VARIABLE) if environ.get(name)]
    if len(named) == 1:
        prefix += f"{named[0]} alone is not used; "
    elif named:
        return _from_environment(environ, f"{prefix}{KAFKA_VARIABLE} and {POSTGRES_VARIABLE} set")
    if not engine_answers():
        return ServerChoice("local", f"{prefix}no Docker engine answers `docker info`")
    kafka = _first(environ, "QSFUND_TEST_KAFKA_IMAGE", KAFKA_IMAGES, image_present)
    postgres = _first(environ, "QSFUND_TEST_POSTGRES_IMAGE", POSTGRES_IMAGES, image_present)
    missing = [
        f"no {what} image ({', '.join(_candidates(environ, variable, names))})"
        for image, what, variable, names in (
            (kafka, "Kafka", "QSFUND_TEST_KAFKA_IMAGE", KAFKA_IMAGES),
            (postgres, "PostgreSQL", "QSFUND_TEST_POSTGRES_IMAGE", POSTGRES_IMAGES),
        )
        if not image
    ]
    if missing:
        return ServerChoice(
            "local",
            f"{prefix}Docker answers but has {' and '.join(missing)}; `make images` builds ours",
        )
    return ServerChoice(
        "containers", f"{prefix}Docker answers and has {kafka} and {postgres}", kafka, postgres
    )


def _from_environment(environ: Mapping[str, str], why: str) -> ServerChoice:
    unset = [name for name in (KAFKA_VARIABLE, POSTGRES_VARIABLE) if not environ.get(name)]
    if unset:
        raise ServerChoiceError(f"{VARIABLE}=env needs {' and '.join(unset)} set")
    return ServerChoice(
        "env", f"{why}: Kafka {environ[KAFKA_VARIABLE]}, PostgreSQL {_host(environ)}"
    )


def _host(environ: Mapping[str, str]) -> str:
    """The server part of the database URL, without its credentials."""
    return environ[POSTGRES_VARIABLE].rpartition("@")[2]


def _candidates(environ: Mapping[str, str], variable: str, defaults: Sequence[str]) -> list[str]:
    named = environ.get(variable, "").strip()
    return [named] if named else list(defaults)


def _first(
    environ: Mapping[str, str],
    variable: str,
    defaults: Sequence[str],
    image_present: Callable[[str], bool],
    *,
    pull: bool = False,
) -> str:
    """The first candidate on the engine; with `pull`, else the one to pull (the official)."""
    candidates = _candidates(environ, variable, defaults)
    present = next((image for image in candidates if image_present(image)), "")
    return present or (candidates[-1] if pull else "")
