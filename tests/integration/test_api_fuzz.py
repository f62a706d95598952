"""A property-based fuzz of the whole HTTP API of the applications and notifications
services, generated from their own OpenAPI documents by schemathesis.

Each app runs in this process (ASGI, its lifespan started: broker, relay, delivery loop)
on a freshly migrated PostgreSQL database and the real Kafka broker. Every operation gets
a handful of valid and of invalid requests, with a token of a role the matrix lets in, so
they reach the routes. For each: no 5xx, the answer conforms to the document (status,
content type, headers, body), invalid data is refused, and a refused (4xx) request
changes nothing: no event in the outbox, no idempotency key, no webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import make_url

from services.applications.bootstrap import ApplicationsSettings
from services.applications.bootstrap import build_app as applications_app
from services.applications.entrypoints.access import ACCESS as APPLICATIONS
from services.notifications.bootstrap import NotificationsSettings
from services.notifications.bootstrap import build_app as notifications_app
from services.notifications.entrypoints.access import ACCESS as NOTIFICATIONS
from shared.auth.principal import Role
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.tokens import Tokens

# schemathesis' own strategies draw from `random`; Hypothesis warns of it on every run.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")

# A handful per operation and mode: about 18 operations, well under a minute in all.
# `make fuzz` sets more, and longer stateful sequences, for whoever wants to dig.
EXAMPLES = int(os.environ.get("QSFUND_FUZZ_EXAMPLES", "4"))
# Twelve sequences: with six, the applications API's drawn steps (now that every route
# documents its 401 and 429) reached at most one resource through a link, and a run
# whose answers differed in timing reached none.
SEQUENCES = int(os.environ.get("QSFUND_FUZZ_SEQUENCES", "12"))
STEPS = int(os.environ.get("QSFUND_FUZZ_STEPS", "8"))
DERANDOMIZE = os.environ.get("QSFUND_FUZZ_RANDOM") != "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# What counts as invalid data refused: schemathesis' list, and 413. A body drawn past a
# route's size limit (256 KiB for most) is refused before it is read, as each route
# documents; schemathesis would count that 413 as invalid data taken.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [
                    *("400", "401", "403", "404", "405", "406", "409", "413", "415"),
                    *("422", "428", "429", "5xx"),
                ]
            }
        }
    }
)
# Whose token each operation is called with: the first role here its row allows.
PREFERRED: tuple[Role, ...] = (
    "platform",
    "program_officer",
    "reviewer",
    "operator",
    "auditor",
    "applicant",
)
# What a refused request must leave as it was, where the service has the table.
WATCHED = ("event", "idempotency_key", "webhook", "webhook_secret")


@dataclass
class Service:
    name: str
    app: FastAPI
    database: str  # a plain postgresql:// URL, for asyncpg


def _app(
    name: str,
    database: str,
    infra: Infrastructure,
    topics: Topics,
    tokens: Tokens,
    per_address: int | None = None,
) -> Any:
    common: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "qsfund_topic_namespace": topics.namespace,
        "qsfund_auth_jwks_file": str(tokens.issuer.jwks_file),
        "qsfund_auth_issuer": tokens.env["QSFUND_AUTH_ISSUER"],
    }
    if per_address is not None:
        common["qsfund_rate_limit_per_address"] = per_address
    if name == "applications":
        return applications_app(ApplicationsSettings(applications_database_url=database, **common))
    return notifications_app(
        NotificationsSettings(
            notifications_database_url=database,
            notifications_webhook_insecure_urls=False,
            **common,
        )
    )


async def _service(
    name: str, infra: Infrastructure, topics: Topics, tokens: Tokens, **limits: Any
) -> Service:
    database = await fresh_database(infra.postgres_url, name)
    plain = make_url(database).set(drivername="postgresql").render_as_string(False)
    return Service(name, _app(name, database, infra, topics, tokens, **limits), plain)


@pytest.fixture(params=["applications", "notifications"])
async def service(
    request: pytest.FixtureRequest, infra: Infrastructure, topics: Topics, tokens: Tokens
) -> Service:
    """The service as deployed: past its limits, the fuzz meets its 429s."""
    return await _service(request.param, infra, topics, tokens)


@pytest.fixture(params=["applications", "notifications"])
async def sequenced(
    request: pytest.FixtureRequest, infra: Infrastructure, topics: Topics, tokens: Tokens
) -> Service:
    """The service for the sequences, each of which must meet it as if no other had run
    (see there). Each calls with subjects of its own, so its count of requests is its
    own; calls without a token are counted by address, which all sequences share: that
    one limit is out of their way (tests/integration/test_rate_limits.py tests it)."""
    return await _service(request.param, infra, topics, tokens, per_address=10**9)


def token_for(
    tokens: Tokens, service: str, method: str, path: str, caller: str | None = None
) -> dict[str, str]:
    """A token of a role the matrix allows (of subject `caller` if given); none for a
    public endpoint (the list and objections of publicity), which anyone calls without."""
    access = {"applications": APPLICATIONS, "notifications": NOTIFICATIONS}[service]
    if access.is_public(method, path):
        return {}
    roles = access.allowed_roles(method, path) or frozenset()
    role = next(r for r in PREFERRED if r in roles)
    credit_code = "91110108551385082Q" if role == "applicant" else None
    return tokens.headers(role, sub=caller and f"{caller}-{role}", credit_code=credit_code)


class Watch:
    """Row counts of the watched tables, read on a loop of the test's own."""

    def __init__(self, database: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.connection = self.loop.run_until_complete(asyncpg.connect(database))
        present = self.loop.run_until_complete(
            self.connection.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        )
        self.tables = [t for t in WATCHED if t in {row["table_name"] for row in present}]

    def counts(self) -> dict[str, int]:
        async def count() -> dict[str, int]:
            return {
                t: int(await self.connection.fetchval(f'SELECT count(*) FROM "{t}"'))
                for t in self.tables
            }

        return self.loop.run_until_complete(count())

    def close(self) -> None:
        self.loop.run_until_complete(self.connection.close())
        self.loop.close()


@pytest.fixture
def watch(service: Service) -> Iterator[Watch]:
    watching = Watch(service.database)
    yield watching
    watching.close()


def fuzz(
    operation: Any, mode: GenerationMode, headers: dict[str, str], check: Callable[..., None]
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=DERANDOMIZE,  # the same cases each run: a failure is reproducible
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        check(case)

    run()


def test_the_whole_api_survives_its_own_document(
    service: Service, tokens: Tokens, watch: Watch
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.app, config=CONFIG)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert operations, "the document lists operations"
    assert len(operations) == len(results), "every operation in the document is well formed"
    try:
        for operation in operations:
            headers = token_for(tokens, service.name, operation.method.upper(), operation.path)

            def check(case: Any) -> None:
                before = watch.counts()
                response = case.call()
                case.validate_response(response, checks=CHECKS)
                if 400 <= response.status_code < 500:
                    assert watch.counts() == before, (
                        f"{case.method} {case.formatted_path} was refused "
                        f"({response.status_code}) yet changed {watch.tables}"
                    )

            fuzz(operation, GenerationMode.POSITIVE, headers, check)
            # An operation whose every input is valid (a free-form path segment, no
            # body) has no invalid request to make.
            with contextlib.suppress(Unsatisfiable):
                fuzz(operation, GenerationMode.NEGATIVE, headers, check)
    finally:
        asgi.shutdown_lifespans()


# Sequences walk the documents' links (a round's id to filing under it, a filing's id to
# its review...), each step with a token of a role its row of the matrix allows.
SEQUENCE_CHECKS = CHECKS[:-1]  # every step is valid data: nothing to see refused


def test_sequences_along_the_links_survive(sequenced: Service, tokens: Tokens) -> None:
    service = sequenced
    # A listing of proposals takes no id and always answers: the cases, drawn the same
    # way each run, would start every sequence there and never reach a round or a
    # filing of their own (the whole-API test above still fuzzes it).
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.app, config=CONFIG).exclude(
        operation_id="listProposals"
    )
    name = service.name
    steps: list[str] = []
    callers = itertools.count()

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        # Which step Hypothesis draws next depends on the answers so far (a link is
        # followed only from a 2xx). So a sequence drawn again must get the same answers,
        # or Hypothesis stops on "inconsistent data generation": every sequence calls as
        # callers of its own, whose webhooks (at most 10 a platform), Idempotency-Keys
        # and requests a minute no earlier sequence has used up.
        def __init__(self) -> None:
            super().__init__()
            self.caller = f"sequence-{next(callers)}"

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            method = case.method.upper()
            return {"headers": token_for(tokens, name, method, case.path, self.caller)}

        def after_call(self, response: Any, case: Any) -> None:
            steps.append(f"{case.method} {case.path} {response.status_code}")

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=SEQUENCE_CHECKS)

    try:
        run_state_machine_as_test(
            Sequences,
            settings=settings(
                max_examples=SEQUENCES,
                stateful_step_count=STEPS,
                deadline=None,
                derandomize=DERANDOMIZE,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        asgi.shutdown_lifespans()
    # An operation on a resource answers 2xx only for an id a previous step made.
    followed = [s for s in steps if "{" in s.split()[1] and s.split()[2].startswith("2")]
    assert followed, f"no step reached a resource through a link: {steps}"
