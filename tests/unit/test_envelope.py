from datetime import UTC, datetime, timedelta, timezone

from shared.contracts import parse_payload
from shared.contracts.applications import ApplicationSubmitted
from shared.envelope import Envelope
from shared.hashchain import verify_chain
from tests.support.events import reviewed, stream, submitted


def test_encoding_is_canonical_and_round_trips() -> None:
    [event] = stream([submitted()])
    decoded = Envelope.decode(event.encode())
    assert decoded == event
    assert decoded.encode() == event.encode()
    assert decoded.computed_hash() == event.hash


def test_occurred_at_is_normalised_to_utc() -> None:
    [event] = stream([submitted()])
    shanghai = event.occurred_at.astimezone(timezone(timedelta(hours=8)))
    moved = Envelope.model_validate({**event.model_dump(), "occurred_at": shanghai})
    assert moved.occurred_at.tzinfo == UTC
    assert moved.encode() == event.encode()


def test_an_intact_chain_verifies() -> None:
    app = submitted()
    assert verify_chain(stream([app, reviewed(app.application_id)])) == []


def test_an_altered_payload_breaks_the_chain_at_that_event() -> None:
    app = submitted()
    first, second = stream([app, reviewed(app.application_id)])
    forged_payload = {**second.payload, "decision": "ineligible"}
    altered = Envelope.model_validate({**second.model_dump(), "payload": forged_payload})
    breaks = verify_chain([first, altered])
    assert [b.event_id for b in breaks] == [str(second.event_id)]
    assert "altered" in breaks[0].reason


def test_a_removed_event_breaks_the_chain() -> None:
    app = submitted()
    first, _, third = stream(
        [app, reviewed(app.application_id, "returned"), reviewed(app.application_id)]
    )
    breaks = verify_chain([first, third])
    assert {b.event_id for b in breaks} == {str(third.event_id)}
    assert any("version 3 where 2" in b.reason for b in breaks)


def test_an_inserted_forged_event_breaks_the_chain() -> None:
    app = submitted()
    first, second = stream([app, reviewed(app.application_id)])
    # A forger re-seals a plausible event with a correct own hash, but cannot fit it in.
    [forged] = stream([submitted(app.application_id)])
    forged = Envelope.model_validate({**forged.model_dump(), "aggregate_version": 2})
    forged = Envelope.model_validate({**forged.model_dump(), "hash": forged.computed_hash()})
    breaks = verify_chain([first, forged, second])
    assert str(forged.event_id) in {b.event_id for b in breaks}


def test_a_payload_decodes_to_its_contract() -> None:
    app = submitted()
    [event] = stream([app])
    assert parse_payload(event) == app
    assert isinstance(parse_payload(event), ApplicationSubmitted)
    assert event.occurred_at <= datetime.now(UTC)


def test_canonical_json_is_the_standard_librarys_sorted_compact_utf8_encoding() -> None:
    import json

    from shared.envelope import canonical_json

    value = {
        "z": [1, -2, 10**15, True, None],
        "a": {"名称": "重庆市渝中区质量协会", "line": 'a\nb\t"q" \\ \u2028 \x01'},
        "m": "émoji 🎉",
    }
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected.encode("utf-8")
