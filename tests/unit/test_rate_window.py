"""The arithmetic of limits per caller shared by instances (shared/http/rate_window.py)."""

from __future__ import annotations

from shared.http.rate_window import Windows

LIMITS = {"subject": 3, "address": 2}


def windows() -> Windows:
    return Windows(dict(LIMITS), window_seconds=60)


def test_a_caller_is_admitted_up_to_its_limit_then_told_when_the_window_ends() -> None:
    counts = windows()
    assert [counts.admit("subject", "subject:a", 120.0) for _ in range(3)] == [None] * 3
    assert counts.admit("subject", "subject:a", 130.2) == 50
    # Another caller has a budget of its own; an address has the address limit.
    assert counts.admit("subject", "subject:b", 130.2) is None
    assert [counts.admit("address", "address:x", 131.0) for _ in range(3)] == [None, None, 49]


def test_a_new_window_starts_afresh() -> None:
    counts = windows()
    for _ in range(3):
        counts.admit("subject", "subject:a", 60.0)
    assert counts.admit("subject", "subject:a", 119.9) == 1
    assert counts.admit("subject", "subject:a", 120.0) is None


def test_what_other_instances_counted_limits_this_one() -> None:
    counts = windows()
    assert not counts.knows("subject:a", 125.0)
    counts.learn("subject:a", 2, 3)  # window 2 = [120, 180): the others admitted three
    assert counts.knows("subject:a", 125.0)
    assert counts.admit("subject", "subject:a", 125.0) == 55


def test_a_sync_adds_what_was_admitted_here_once_and_learns_the_total() -> None:
    counts = windows()
    counts.admit("subject", "subject:a", 120.0)
    counts.admit("subject", "subject:a", 121.0)
    assert counts.take_pending() == [("subject:a", 2, 2)]
    assert counts.take_pending() == []
    counts.learn("subject:a", 2, 3)  # with the other instances' one
    assert counts.admit("subject", "subject:a", 122.0) == 58


def test_a_failed_sync_gives_its_counts_back_for_the_next() -> None:
    counts = windows()
    counts.admit("subject", "subject:a", 120.0)
    taken = counts.take_pending()
    counts.give_back(taken)
    assert counts.take_pending() == [("subject:a", 2, 1)]


def test_a_total_of_a_window_gone_by_is_ignored_and_old_keys_are_forgotten() -> None:
    counts = windows()
    counts.admit("subject", "subject:a", 120.0)
    counts.take_pending()
    counts.admit("subject", "subject:a", 185.0)  # window 3 now
    counts.learn("subject:a", 2, 99)
    assert counts.admit("subject", "subject:a", 186.0) is None
    counts.admit("subject", "subject:b", 130.0)
    counts.take_pending()
    counts.forget_before(3)
    assert not counts.knows("subject:b", 130.0)
    assert counts.knows("subject:a", 186.0)
