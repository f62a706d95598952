"""An instance is not ready while it has not read which tokens are revoked: until then it
answers every request with a token 503, so an orchestrator must send it no traffic."""

from __future__ import annotations

from shared.auth.revocation import RevocationFeed
from shared.runtime import revocations_problems


def test_an_instance_that_has_not_read_the_revocations_yet_is_not_ready() -> None:
    feed = RevocationFeed("127.0.0.1:9", "revocations")
    feed.started = True
    assert revocations_problems(feed) == ["revocations: not yet read"]


def test_once_it_has_read_them_the_revocations_are_no_problem() -> None:
    feed = RevocationFeed("127.0.0.1:9", "revocations")
    feed.started = True
    feed.caught_up.set()
    assert revocations_problems(feed) == []


def test_an_app_without_a_feed_or_whose_feed_never_started_is_not_held_back() -> None:
    # The unit tests' apps are served without their lifespan: no feed runs to wait for.
    assert revocations_problems(None) == []
    assert revocations_problems(RevocationFeed("127.0.0.1:9", "revocations")) == []
