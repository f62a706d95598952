"""What an operator reads in the logs: no ERROR for what is normal at start, an ERROR
for the same thing when it lasts."""

from __future__ import annotations

import json
import logging

from aiokafka.errors import GroupCoordinatorNotAvailableError, NodeNotReadyError

from shared.logs import CoordinatorElection, JsonFormatter


def logged(election: CoordinatorElection, error: Exception) -> dict[str, str]:
    """The JSON line aiokafka's failed coordinator lookup becomes."""
    record = logging.LogRecord(
        CoordinatorElection.LOGGER,
        logging.ERROR,
        "group_coordinator.py",
        566,
        "Group Coordinator Request failed: %s",
        (error,),
        None,
    )
    assert election.filter(record)
    line: dict[str, str] = json.loads(JsonFormatter().format(record))
    return line


def test_no_coordinator_yet_at_start_is_information_not_an_error() -> None:
    now = [100.0]
    election = CoordinatorElection(grace_seconds=60, clock=lambda: now[0])
    line = logged(election, GroupCoordinatorNotAvailableError())
    assert line["level"] == "INFO"
    assert "normal while the broker elects one" in line["message"]
    now[0] = 161.0  # a minute on, still none: consumption is stuck, say so
    assert logged(election, GroupCoordinatorNotAvailableError())["level"] == "ERROR"


def test_other_coordinator_failures_stay_errors() -> None:
    election = CoordinatorElection(grace_seconds=60, clock=lambda: 0.0)
    line = logged(election, NodeNotReadyError("broker 1"))
    assert line["level"] == "ERROR"
    assert line["message"] == "Group Coordinator Request failed: NodeNotReadyError: broker 1"
