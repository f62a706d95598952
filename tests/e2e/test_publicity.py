"""A round through publicity (公示) over the real stack: the public list and its digest,
named objections only, one dismissed and one upheld, a second review that finds the
application ineligible, the round allocated again, and the final decision.

The services run on a clock of the test's own (QSFUND_TEST_CLOCK_FILE), set to a Monday
of 2026 and moved past the period's five working days: the suite does not depend on the
date it runs on, nor waits for days to pass."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.contracts.values import ChainHead
from shared.hashchain import history_digest
from shared.topics import Topics
from tests.e2e.conftest import Stack, wait_for_status
from tests.e2e.test_audit import audit, report
from tests.e2e.test_rebuild import rebuild
from tests.support.infrastructure import Infrastructure
from tests.support.program import Program
from tests.support.publicity import (
    PERIOD_ENDS,
    MovableClock,
    at_monday,
    objection,
    published_four,
    published_list,
)
from tests.support.tokens import Tokens

PER_ADDRESS = 15


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> MovableClock:
    return at_monday(tmp_path_factory.mktemp("clock") / "offset")


@pytest.fixture(scope="module")
def stack_env(clock: MovableClock) -> dict[str, str]:
    return {
        "QSFUND_TEST_CLOCK_FILE": str(clock.path),
        # Low enough for the flood test to reach, above what the others send.
        "APPLICATIONS_OBJECTIONS_PER_ADDRESS": str(PER_ADDRESS),
    }


@dataclass
class Published:
    round_id: str
    ids: dict[str, str]
    program: Program
    public: httpx.AsyncClient


@pytest.fixture(scope="module")
async def published(stack: Stack, tokens: Tokens, clock: MovableClock) -> AsyncIterator[Published]:
    """tests/support/publicity.py's four claims, A and B in the published list."""
    url = stack.applications.url
    async with (
        httpx.AsyncClient(base_url=url, headers=tokens.headers("auditor"), timeout=10) as api,
        httpx.AsyncClient(base_url=url, timeout=10) as public,
    ):
        program = Program(api, tokens)
        round_id, ids = await published_four(program, public, clock, seed=13, series=4100)
        await wait_for_status(api, list(ids.values()), {"awarded", "not_awarded"})
        yield Published(round_id, ids, program, public)


async def test_the_list_is_public_says_its_period_and_seals_the_history(
    published: Published,
) -> None:
    listed = await published_list(published.public, published.round_id, revision=1)
    ids = published.ids
    assert {e["application_id"]: e["proposed_amount_yuan"] for e in listed["entries"]} == {
        ids["A"]: 300_000,
        ids["B"]: 300_000,
    }
    assert listed["total_yuan"] == 600_000
    assert listed["stage"] == "in_publicity"
    assert (listed["days"], listed["day_kind"], listed["last_day"]) == (5, "working", "2026-06-08")
    assert datetime.fromisoformat(listed["ends_at"]) == PERIOD_ENDS
    entry = listed["entries"][0]
    assert set(entry) == {
        "application_id",
        "enterprise_name",
        "credit_code",
        "category",
        "achievement",
        "level",
        "proposed_amount_yuan",
    }, "public by nature: no contact data, no evidence"
    heads = [ChainHead(**head) for head in listed["heads"]]
    assert history_digest(heads) == listed["digest"]
    # The round and every application, as both services had written them.
    streams = {(h.source, h.aggregate_id) for h in heads}
    for application_id in ids.values():
        assert ("applications", application_id) in streams
        assert ("scoring", application_id) in streams
    assert ("applications", published.round_id) in streams
    assert ("scoring", published.round_id) in streams
    page = await published.public.get(f"/v1/public/rounds/{published.round_id}/list.html")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert listed["digest"] in page.text
    assert entry["enterprise_name"] in page.text


async def test_objections_must_be_named_and_about_thepublished_list(published: Published) -> None:
    path = f"/v1/public/rounds/{published.round_id}/objections"
    anonymous = await published.public.post(
        path, json=objection(published.ids["A"], name="anonymous")
    )
    assert anonymous.status_code == 422
    assert anonymous.json()["errors"][0] == {
        "field": "objector.name",
        "rule": "named",
        "message": "anonymous objections are not accepted: give a real name",
    }
    nameless = await published.public.post(path, json=objection(published.ids["A"], name=""))
    assert nameless.status_code == 422
    assert nameless.json()["errors"][0]["field"] == "objector.name"
    organisation = await published.public.post(
        path, json=objection(published.ids["A"], kind="organisation")
    )
    assert organisation.status_code == 422
    assert organisation.json()["errors"][0]["field"] == "objector.credit_code"
    not_listed = await published.public.post(path, json=objection(published.ids["C"]))
    assert not_listed.status_code == 404
    assert not_listed.json()["errors"][0]["rule"] == "in_published_list"


async def test_a_round_through_objections_reallocation_and_the_final_decision(
    published: Published,
    stack: Stack,
    tokens: Tokens,
    clock: MovableClock,
    infra: Infrastructure,
    stack_topics: Topics,
) -> None:
    ids, program, public = published.ids, published.program, published.public
    api, path = program.api, f"/v1/public/rounds/{published.round_id}/objections"
    reviewer = tokens.headers("reviewer")

    # A person objects to A; the same objection resent is the same one, not a second.
    first = await public.post(path, json=objection(ids["A"]))
    assert first.status_code == 201, first.text
    assert (await public.post(path, json=objection(ids["A"]))).json() == first.json()
    # An organisation objects to B.
    organisation = {
        "kind": "organisation",
        "name": "Chongqing Standards Association",
        "credit_code": program.enterprise_of[ids["A"]],
        "authorised_person": "Li Na",
        "email": "li.na@association.example.cn",
    }
    second = await public.post(path, json=objection(ids["B"], **organisation))
    assert second.status_code == 201, second.text

    # The objector is known to reviewers, never to the applicant.
    listed = await api.get(
        f"/v1/rounds/{published.round_id}/objections", headers=tokens.headers("reviewer")
    )
    assert {o["objector"]["name"] for o in listed.json()} == {"Zhang Wei", organisation["name"]}
    applicant = tokens.applicant(program.enterprise_of[ids["A"]])
    refused = await api.get(f"/v1/rounds/{published.round_id}/objections", headers=applicant)
    assert refused.status_code == 403
    history = (await api.get(f"/v1/applications/{ids['A']}/history", headers=applicant)).json()
    [lodged] = [e for e in history if e["event_type"] == "ObjectionLodged"]
    assert lodged["payload"]["objector"] == "withheld"
    assert "Zhang Wei" not in str(history)
    assert (await program.status(ids["A"]))["open_objections"] == 1

    # Not final while the period runs and objections are open.
    officer = tokens.headers("program_officer")
    early = await api.post(f"/v1/rounds/{published.round_id}/finalise", headers=officer)
    assert early.status_code == 409
    assert early.json()["errors"][0]["rule"] == "publicity_running"

    dismissed = await api.post(
        f"/v1/objections/{first.json()['id']}/decision",
        json={"decision": "dismissed", "reasons": "The foreword names A first."},
        headers=reviewer,
    )
    assert dismissed.status_code == 202, dismissed.text
    upheld = await api.post(
        f"/v1/objections/{second.json()['id']}/decision",
        json={"decision": "upheld", "reasons": "B's drafting role is not shown."},
        headers=reviewer,
    )
    assert upheld.status_code == 202, upheld.text
    assert (await program.status(ids["B"]))["status"] == "under_review"
    await program.review(ids["B"], "ineligible", reason_code="evidence_missing", note="no role")

    # Allocated again without B: C and D now fit; the list is revised, the period is not.
    revised = await published_list(public, published.round_id, revision=2)
    assert {e["application_id"]: e["proposed_amount_yuan"] for e in revised["entries"]} == {
        ids["A"]: 300_000,
        ids["C"]: 300_000,
        ids["D"]: 20_000,
    }
    assert datetime.fromisoformat(revised["ends_at"]) == PERIOD_ENDS
    views = await wait_for_status(api, [ids["C"], ids["D"]], {"awarded"})
    assert all(view["award_stage"] == "in_publicity" for view in views.values())
    b = await program.status(ids["B"])
    assert (b["status"], b["reason_code"]) == ("ineligible", "evidence_missing")

    # After the period, objections are refused and the round can be made final.
    clock.set(PERIOD_ENDS + timedelta(minutes=1))
    late = await public.post(
        path, json=objection(ids["A"], name="Wang Fang", email="wang.fang@example.cn")
    )
    assert late.status_code == 409
    assert late.json()["errors"][0]["rule"] == "publicity_ended"
    final = await api.post(f"/v1/rounds/{published.round_id}/finalise", headers=officer)
    assert final.status_code == 202, final.text
    again = await api.post(f"/v1/rounds/{published.round_id}/finalise", headers=officer)
    assert again.json()["errors"][0]["rule"] == "already_final"
    for name in ("A", "C", "D"):
        view = await program.status(ids[name])
        assert (view["status"], view["award_stage"]) == ("awarded", "final"), name
    finalised = (await api.get(f"/v1/applications/{ids['C']}/history")).json()
    assert finalised[-1]["event_type"] == "AwardFinalised"
    assert finalised[-1]["payload"]["amount_yuan"] == 300_000
    assert (await published_list(public, published.round_id, revision=2))["stage"] == "final"

    # The objector and the applicant hear how the objection was decided; the objector's
    # email is the objector's own, never twinned to the applicant's platform.
    told = await _notified(stack, tokens, ids["B"], "ObjectionDecided", 2)
    assert {n["target"] for n in told} == {"", f"objector:{second.json()['id']}"}
    assert all("upheld" in n["subject"] for n in told)

    # The auditor's replay holds, and every projection equals its rebuild.
    verified = audit(infra, stack_topics, "verify", "--round", published.round_id)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert report(verified)["verified"] is True
    for service in ("applications", "scoring", "notifications"):
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
            f"{service.upper()}_DATABASE_URL": stack.databases[service],
        }
        result: subprocess.CompletedProcess[str] = rebuild(service, env)
        assert result.returncode == 0, result.stdout + result.stderr


async def _notified(
    stack: Stack, tokens: Tokens, application_id: str, event_type: str, count: int
) -> list[dict[str, Any]]:
    """The notifications of one event about an application, once there are `count`."""
    url, auditor = stack.notifications.url, tokens.headers("auditor")
    async with httpx.AsyncClient(base_url=url, headers=auditor, timeout=10) as notices:
        for _ in range(120):
            listed = await notices.get(
                "/v1/notifications", params={"application_id": application_id}
            )
            found = [n for n in listed.json() if n["event_type"] == event_type]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.25)
    raise AssertionError(f"{count} notifications of {event_type} never recorded")


async def test_a_flood_of_objections_is_limited_and_an_accepted_one_is_never_lost(
    published: Published,
) -> None:
    """Every objection request counts against its address, refused or not; past the
    limit the answer is 429 with when to retry. A retry of an objection already accepted
    still answers its id: the limit never drops what was taken."""
    path = f"/v1/public/rounds/{published.round_id}/objections"
    accepted = objection(published.ids["A"])  # lodged by the test before this one
    answers = []
    for n in range(PER_ADDRESS + 1):
        flood = objection(published.ids["C"], name="Flood", email=f"flood{n}@example.cn")
        answers.append(await published.public.post(path, json=flood))
        if answers[-1].status_code == 429:
            break
    limited = answers[-1]
    assert limited.status_code == 429, [a.status_code for a in answers]
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["errors"][0]["rule"] == "rate_limited"
    assert limited.json()["errors"][0]["field"] == "address"
    again = await published.public.post(path, json=accepted)
    assert again.status_code == 201, again.text
