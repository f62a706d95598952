"""The test servers are chosen on purpose, and the choice says why."""

from __future__ import annotations

import pytest

from tests.support.server_choice import ServerChoice, ServerChoiceError, choose_servers

KAFKA = {"KAFKA_BOOTSTRAP_SERVERS": "10.0.0.5:9092"}
DATABASE = {"QSFUND_TEST_DATABASE_URL": "postgresql+asyncpg://qsfund:secret@10.0.0.6:5432/postgres"}
OURS = {"qsfund/kafka:4.4.0", "qsfund/postgres:15"}
OFFICIAL = {"apache/kafka:4.4.0", "postgres:15"}


def choose(
    environ: dict[str, str], engine: bool = True, images: set[str] | None = None
) -> ServerChoice:
    return choose_servers(environ, lambda: engine, lambda image: image in (images or set()))


def test_servers_named_by_the_environment_are_used_and_the_password_is_not_shown() -> None:
    choice = choose({**KAFKA, **DATABASE}, images=OURS)
    assert choice.servers == "env"
    assert "10.0.0.5:9092" in choice.headline()
    assert "10.0.0.6:5432/postgres" in choice.headline()
    assert "secret" not in choice.headline()


def test_without_an_engine_the_local_scripts_are_used_and_that_is_said() -> None:
    choice = choose({}, engine=False)
    assert choice.servers == "local"
    assert "no Docker engine answers" in choice.reason


def test_an_engine_without_the_images_does_not_choose_containers() -> None:
    choice = choose({}, images={"qsfund/kafka:4.4.0"})
    assert choice.servers == "local"
    assert "no PostgreSQL image (qsfund/postgres:15, postgres:15)" in choice.reason
    assert "Kafka image" not in choice.reason
    assert "make images" in choice.reason


def test_containers_are_chosen_when_the_images_are_there_ours_first() -> None:
    choice = choose({}, images=OURS | OFFICIAL)
    assert (choice.servers, choice.kafka_image, choice.postgres_image) == (
        "containers",
        "qsfund/kafka:4.4.0",
        "qsfund/postgres:15",
    )
    assert choose({}, images=OFFICIAL).kafka_image == "apache/kafka:4.4.0"


def test_images_named_by_variables_replace_the_defaults() -> None:
    named = {"QSFUND_TEST_KAFKA_IMAGE": "registry.example.cn/kafka:4.4.0"}
    assert choose(named, images=OURS).servers == "local"
    choice = choose(named, images=OURS | {"registry.example.cn/kafka:4.4.0"})
    assert choice.kafka_image == "registry.example.cn/kafka:4.4.0"


def test_half_an_environment_is_not_used_and_the_reason_is_given() -> None:
    choice = choose(KAFKA, engine=False)
    assert choice.servers == "local"
    assert "KAFKA_BOOTSTRAP_SERVERS alone is not used" in choice.reason


@pytest.mark.parametrize("wanted", ["local", "containers", "env"])
def test_an_explicit_choice_wins_over_the_automatic_one(wanted: str) -> None:
    environ = {"QSFUND_TEST_SERVERS": wanted, **KAFKA, **DATABASE}
    choice = choose(environ, images=OURS)
    assert choice.servers == wanted
    assert f"QSFUND_TEST_SERVERS={wanted}" in choice.reason


def test_explicit_containers_pull_the_official_images_when_none_is_there() -> None:
    choice = choose({"QSFUND_TEST_SERVERS": "containers"})
    assert (choice.kafka_image, choice.postgres_image) == ("apache/kafka:4.4.0", "postgres:15")


@pytest.mark.parametrize(
    ("environ", "engine", "message"),
    [
        ({"QSFUND_TEST_SERVERS": "env", **KAFKA}, True, "needs QSFUND_TEST_DATABASE_URL set"),
        (
            {"QSFUND_TEST_SERVERS": "env"},
            True,
            "needs KAFKA_BOOTSTRAP_SERVERS and QSFUND_TEST_DATABASE_URL set",
        ),
        ({"QSFUND_TEST_SERVERS": "containers"}, False, "no Docker engine answers"),
        ({"QSFUND_TEST_SERVERS": "docker"}, True, "one of env, containers, local"),
    ],
)
def test_a_choice_that_cannot_be_had_is_refused_with_what_to_set(
    environ: dict[str, str], engine: bool, message: str
) -> None:
    with pytest.raises(ServerChoiceError, match=message):
        choose(environ, engine=engine)
