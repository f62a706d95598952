"""Signed messages: what a receiver accepts and why it refuses the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.signing import signature_problem, signatures

NOW = datetime(2027, 1, 6, 2, 15, tzinfo=UTC)
SENT = int(NOW.timestamp())
BODY = b'{"instruction_id":"a-t1-a1","status":"paid"}'


def test_a_message_signed_with_a_held_secret_is_trusted() -> None:
    header = signatures(["new-secret", "old-secret"], SENT, BODY)
    assert signature_problem(header, str(SENT), BODY, ["old-secret"], NOW) is None
    assert signature_problem(header, str(SENT), BODY, ["new-secret"], NOW) is None


def test_another_secret_another_body_or_no_signature_is_refused() -> None:
    header = signatures(["their-secret"], SENT, BODY)
    assert signature_problem(header, str(SENT), BODY, ["our-secret"], NOW)
    assert signature_problem(header, str(SENT), BODY + b" ", ["their-secret"], NOW)
    assert signature_problem(None, str(SENT), BODY, ["their-secret"], NOW)
    assert signature_problem(header, "yesterday", BODY, ["their-secret"], NOW)


def test_a_stale_or_future_timestamp_is_refused_even_when_well_signed() -> None:
    for skew in (timedelta(seconds=301), timedelta(seconds=-301)):
        sent = int((NOW + skew).timestamp())
        header = signatures(["s"], sent, BODY)
        assert "300 s" in (signature_problem(header, str(sent), BODY, ["s"], NOW) or "")
    sent = int((NOW - timedelta(seconds=299)).timestamp())
    assert signature_problem(signatures(["s"], sent, BODY), str(sent), BODY, ["s"], NOW) is None
