"""The delivery loop's doorbell: each ring is answered by one claim made after it."""

import asyncio

from services.notifications.doorbell import Doorbell


async def rung_within(bell: Doorbell, seconds: float = 0.05) -> bool:
    try:
        await asyncio.wait_for(bell.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def test_a_ring_wakes_one_idle_worker_not_every_one() -> None:
    bell = Doorbell()
    bell.ring()
    assert await rung_within(bell)
    bell.claiming()
    assert not await rung_within(bell), "one ring, one claim"


async def test_a_ring_before_the_woken_worker_claims_is_left_to_its_claim() -> None:
    bell = Doorbell()
    bell.ring()
    assert await rung_within(bell)
    bell.ring()  # committed before the claim: the claim will see it
    bell.claiming()
    assert not await rung_within(bell)
    bell.ring()  # committed after the claim began: it needs a claim of its own
    assert await rung_within(bell)


async def test_the_poll_rings_only_when_no_worker_has_claimed_for_its_interval() -> None:
    bell = Doorbell()
    polling = asyncio.create_task(bell.poll(0.2))
    try:
        bell.claiming()
        assert not await rung_within(bell, 0.1), "claimed 0.1 s ago: no poll yet"
        assert await rung_within(bell, 0.3)
    finally:
        polling.cancel()
