"""Final awards paid through the finance bureau's stand-in, over the real stack: one
payment failing on a closed account and paid again to the corrected one, a pilot
project's second half paid after its acceptance, duplicate and late callbacks that
change nothing, and one award revoked and repaid. Then the auditor's verify passes and
the payments projection equals its rebuild.

The stand-in (standins/finance_bureau) keeps the contract of docs/finance-contract.md
and chooses its behaviour by the payee's account number; accepted instructions wait
until the test releases them, so the test waits for callbacks it caused, never for time.
The services and the stand-in share a clock of the test's own (QSFUND_TEST_CLOCK_FILE)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.applications.adapters.tables import award_revocation
from shared.envelope import Envelope
from shared.log_reader import read_values
from shared.topics import Topics
from tests.e2e.conftest import Finance, Stack, wait_for_status
from tests.e2e.test_audit import audit, report
from tests.e2e.test_rebuild import rebuild
from tests.support.credit_codes import credit_codes
from tests.support.databases import rows_reach
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import consumed_to_end
from tests.support.program import CLAIMS, Program, application
from tests.support.publicity import PERIOD_ENDS, MovableClock, at_monday, published_list, standard
from tests.support.tampering import Records, body, copy_history, edit_event, encode, reseal
from tests.support.tokens import Tokens

CNAPS = "301653000015"


def account(ending: str) -> str:
    """A 21-digit settlement account number; the stand-in acts on its last four digits."""
    return f"31006672601880001{ending}"


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> MovableClock:
    return at_monday(tmp_path_factory.mktemp("clock") / "offset")


@pytest.fixture(scope="module")
def stack_env(clock: MovableClock) -> dict[str, str]:
    return {"QSFUND_TEST_CLOCK_FILE": str(clock.path)}


@dataclass
class Round:
    round_id: str
    ids: dict[str, str]  # A, B, C, D
    codes: dict[str, str]
    program: Program
    next_round_id: str  # open for filings while the first round is paid


@pytest.fixture(scope="module")
async def final_round(
    stack: Stack, finance: Finance, tokens: Tokens, clock: MovableClock
) -> AsyncIterator[Round]:
    """Four awards made final: A and B lead a national standard each (300,000 yuan), C
    a municipal pilot project (300,000, paid in two halves under policy 2026.3), D
    adopts an international standard (20,000)."""
    url = stack.applications.url
    async with (
        httpx.AsyncClient(base_url=url, headers=tokens.headers("auditor"), timeout=10) as api,
        httpx.AsyncClient(base_url=url, timeout=10) as public,
    ):
        program = Program(api, tokens)
        now = clock.now()
        round_id = await program.open_round(
            budget=1_000_000,
            opens_at=(now - timedelta(hours=1)).isoformat(),
            closes_at=(now + timedelta(days=30)).isoformat(),
            publicity_day_kind="working",
            policy_version="2026.3",
        )
        codes = dict(zip("ABCD", credit_codes(seed=71), strict=False))
        claims = {
            "A": standard("GB/T 7101"),
            "B": standard("GB/T 7102"),
            "C": CLAIMS["pilot"],
            "D": CLAIMS["adoption"],
        }
        ids = {k: await program.submit(round_id, codes[k], claims[k]) for k in "ABCD"}
        for application_id in ids.values():
            await program.review(application_id)
        await program.close(round_id)
        await published_list(public, round_id, revision=1)
        await wait_for_status(api, list(ids.values()), {"awarded"})
        clock.set(PERIOD_ENDS + timedelta(hours=1))
        officer = tokens.headers("program_officer")
        for _ in range(120):  # the period has ended; the list's last events may be in flight
            finalised = await api.post(f"/v1/rounds/{round_id}/finalise", headers=officer)
            if finalised.status_code == 202:
                break
            await asyncio.sleep(0.25)
        assert finalised.status_code == 202, finalised.text
        next_round_id = await program.open_round(
            budget=1_000_000,
            opens_at=(clock.now() - timedelta(hours=1)).isoformat(),
            closes_at=(clock.now() + timedelta(days=30)).isoformat(),
        )
        yield Round(round_id, ids, codes, program, next_round_id)


async def until(check: Callable[[], Awaitable[Any]], what: str, seconds: float = 60) -> Any:
    """Poll `check` until it answers something true (a positive signal), then return it."""
    for _ in range(int(seconds / 0.2)):
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"never: {what}")


@dataclass
class Clients:
    payments: httpx.AsyncClient
    bureau: httpx.AsyncClient
    notifications: httpx.AsyncClient
    tokens: Tokens

    async def award(self, application_id: str) -> dict[str, Any]:
        response = await self.payments.get(
            f"/v1/awards/{application_id}", headers=self.tokens.headers("auditor")
        )
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def award_when(
        self, application_id: str, wanted: Callable[[dict[str, Any]], bool], what: str
    ) -> dict[str, Any]:
        async def check() -> dict[str, Any] | None:
            view = await self.award(application_id)
            return view if wanted(view) else None

        found: dict[str, Any] = await until(check, f"{application_id}: {what}")
        return found

    async def register(self, credit_code: str, application_id: str, ending: str) -> httpx.Response:
        return await self.payments.put(
            f"/v1/awards/{application_id}/payee",
            json={
                "account_name": f"重庆{credit_code[-6:]}科技有限公司",
                "account_number": account(ending),
                "bank_name": "交通银行重庆渝北支行",
                "cnaps_code": CNAPS,
            },
            headers=self.tokens.applicant(credit_code),
        )

    async def release(self) -> dict[str, Any]:
        released: dict[str, Any] = (await self.bureau.post("/stand-in/release")).json()
        return released

    async def callbacks(self, instruction_id: str) -> list[dict[str, Any]]:
        state = (await self.bureau.get("/stand-in/state")).json()
        return [c for c in state["callbacks"] if c["instruction_id"] == instruction_id]

    async def told(self, application_id: str) -> dict[str, str]:
        """What the applicant was emailed: each event type's summaries, a line each."""
        listed = await self.notifications.get(
            "/v1/notifications",
            params={"application_id": application_id},
            headers=self.tokens.headers("auditor"),
        )
        assert listed.status_code == 200, listed.text
        told: dict[str, str] = {}
        for n in listed.json():
            if n["channel"] == "email":
                told[n["event_type"]] = told.get(n["event_type"], "") + n["summary"] + "\n"
        return told


@pytest.fixture(scope="module")
async def clients(finance: Finance, stack: Stack, tokens: Tokens) -> AsyncIterator[Clients]:
    async with (
        httpx.AsyncClient(base_url=finance.payments.url, timeout=10) as payments,
        httpx.AsyncClient(base_url=finance.bureau.url, timeout=10) as bureau,
        httpx.AsyncClient(base_url=stack.notifications.url, timeout=10) as notifications,
    ):
        yield Clients(payments, bureau, notifications, tokens)


def statuses(view: dict[str, Any]) -> list[str]:
    return [i["status"] for i in view["instructions"]]


async def test_final_awards_are_paid_through_failures_tranches_and_repeated_callbacks(
    final_round: Round, clients: Clients, tokens: Tokens, clock: MovableClock
) -> None:
    ids, codes = final_round.ids, final_round.codes
    # Nothing is paid before the enterprise names its account.
    waiting = await clients.award_when(ids["A"], lambda v: v["stage"] == "final", "final")
    assert waiting["final_award_yuan"] == 300_000
    assert (waiting["payee_registered"], waiting["instructions"]) == (False, [])

    # Another enterprise cannot name the account for A's award: it does not see it.
    stranger = await clients.register(codes["B"], ids["A"], "0001")
    assert stranger.status_code == 404, stranger.text
    malformed = await clients.payments.put(
        f"/v1/awards/{ids['A']}/payee",
        json={"account_name": "x", "account_number": "12AB", "bank_name": "y", "cnaps_code": CNAPS},
        headers=tokens.applicant(codes["A"]),
    )
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "payee.account_number"

    # A: paid, and called back again an hour later (9905). B: the account is closed
    # (9901). C: two halves. D: paid, and called back twice at once (9904).
    for key, ending in {"A": "9905", "B": "9901", "C": "0003", "D": "9904"}.items():
        registered = await clients.register(codes[key], ids[key], ending)
        assert registered.status_code == 200, registered.text
    for key in "ABCD":
        await clients.award_when(
            ids[key], lambda v: statuses(v) == ["accepted"], "its first tranche accepted"
        )
    c = await clients.award(ids["C"])
    assert [(i["tranche"], i["amount_yuan"]) for i in c["instructions"]] == [(1, 150_000)]

    released = await clients.release()
    assert (released["paid"], released["failed"]) == (3, 1)
    a = await clients.award_when(ids["A"], lambda v: v["stage"] == "paid", "paid")
    assert a["paid_yuan"] == 300_000
    assert a["instructions"][0]["bank_reference"]
    b = await clients.award_when(ids["B"], lambda v: statuses(v) == ["failed"], "failed")
    assert b["instructions"][0]["failure_reason"] == "account_closed"
    assert b["paid_yuan"] == 0

    # D's duplicate callback is answered 204 and changes nothing.
    d_instruction = (await clients.award(ids["D"]))["instructions"][0]["instruction_id"]
    doubled = await until(
        lambda: _answered(clients, d_instruction, count=2), "both of D's callbacks answered"
    )
    assert all(c["answers"][-1] == 204 for c in doubled)
    d = await clients.award(ids["D"])
    assert (d["stage"], d["paid_yuan"], statuses(d)) == ("paid", 20_000, ["paid"])

    # B: the same closed account again is refused; the corrected one is paid.
    same = await clients.register(codes["B"], ids["B"], "9901")
    assert same.status_code == 200
    assert statuses(same.json()) == ["failed"]  # waits for another account
    corrected = await clients.register(codes["B"], ids["B"], "0002")
    assert corrected.status_code == 200, corrected.text
    reissued = corrected.json()["instructions"][-1]
    assert reissued["reissue_of"] == b["instructions"][0]["instruction_id"]
    await clients.award_when(ids["B"], lambda v: statuses(v)[-1] == "accepted", "reissue taken")

    # C's second half waits for its acceptance report, recorded by the program office.
    officer = tokens.headers("program_officer")
    by_applicant = await clients.payments.post(
        f"/v1/awards/{ids['C']}/milestones",
        json={"milestone": "acceptance", "document_reference": "渝质验(2027)12号"},
        headers=tokens.applicant(codes["C"]),
    )
    assert by_applicant.status_code == 403
    accepted = await clients.payments.post(
        f"/v1/awards/{ids['C']}/milestones",
        json={"milestone": "acceptance", "document_reference": "渝质验(2027)12号"},
        headers=officer,
    )
    assert accepted.status_code == 200, accepted.text
    await clients.award_when(
        ids["C"], lambda v: statuses(v) == ["paid", "accepted"], "second half accepted"
    )
    await clients.release()
    b = await clients.award_when(ids["B"], lambda v: v["stage"] == "paid", "B paid")
    assert (b["paid_yuan"], statuses(b)) == (300_000, ["failed", "paid"])
    c = await clients.award_when(ids["C"], lambda v: v["stage"] == "paid", "C paid")
    assert [(i["tranche"], i["amount_yuan"], i["status"]) for i in c["instructions"]] == [
        (1, 150_000, "paid"),
        (2, 150_000, "paid"),
    ]

    # An hour later in the bureau's clock, A's payment is called back once more: 204,
    # and A is paid once.
    a_instruction = a["instructions"][0]["instruction_id"]
    clock.set(clock.now() + timedelta(hours=1, minutes=1))
    late = await until(lambda: _answered(clients, a_instruction, count=2), "A's late callback")
    assert late[-1]["answers"][-1] == 204
    a = await clients.award(ids["A"])
    assert (a["paid_yuan"], statuses(a)) == (300_000, ["paid"])

    summary = await clients.payments.get(
        f"/v1/rounds/{final_round.round_id}/payments", headers=officer
    )
    assert summary.status_code == 200
    assert summary.json()["paid_yuan"] == summary.json()["final_award_yuan"] == 920_000


async def test_a_revoked_award_is_due_back_until_repaid_and_bars_its_enterprise(
    final_round: Round, clients: Clients, tokens: Tokens, stack: Stack
) -> None:
    ids, officer = final_round.ids, tokens.headers("program_officer")
    d = await clients.award_when(ids["D"], lambda v: v["stage"] == "paid", "D paid")
    revoked = await clients.payments.post(
        f"/v1/awards/{ids['D']}/revoke",
        json={"reason": "false_materials", "document_reference": "渝市监罚(2027)3号"},
        headers=officer,
    )
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["stage"], revoked.json()["due_back_yuan"]) == ("revoked", d["paid_yuan"])
    again = await clients.payments.post(
        f"/v1/awards/{ids['D']}/revoke",
        json={"reason": "false_materials", "document_reference": "渝市监罚(2027)3号"},
        headers=officer,
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["rule"] == "not_revoked"

    too_much = await clients.payments.post(
        f"/v1/awards/{ids['D']}/repayments",
        json={"amount_yuan": 20_001, "reference": "RCPT-1"},
        headers=officer,
    )
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["rule"] == "not_above_due"
    for reference, amount in (("RCPT-1", 5_000), ("RCPT-1", 5_000), ("RCPT-2", 15_000)):
        repaid = await clients.payments.post(
            f"/v1/awards/{ids['D']}/repayments",
            json={"amount_yuan": amount, "reference": reference},
            headers=officer,
        )
        assert repaid.status_code == 200, repaid.text
    d = repaid.json()
    assert (d["stage"], d["due_back_yuan"], d["repaid_yuan"]) == ("settled", 0, 20_000)

    # Revoked for false materials: the enterprise is barred from the program at intake,
    # as soon as the applications service has read the revocation.
    # The positive signal: the applications service holds the revocation.
    await rows_reach(stack.databases["applications"], award_revocation, 1)
    program, code = final_round.program, final_round.codes["D"]
    filed = await program.api.post(
        "/v1/applications",
        json=application(final_round.next_round_id, code, CLAIMS["quality_award"]),
        headers=tokens.applicant(code),
    )
    assert filed.status_code == 422, filed.text
    [problem] = filed.json()["errors"]
    assert (problem["field"], problem["rule"]) == ("enterprise.credit_code", "not_barred")
    assert "revoked for false materials" in problem["message"]


async def test_the_auditor_verifies_the_money_and_every_projection_rebuilds(
    final_round: Round,
    clients: Clients,
    infra: Infrastructure,
    stack: Stack,
    stack_topics: Topics,
) -> None:
    # The last test left every award settled; the log is complete once D is settled.
    await clients.award_when(final_round.ids["D"], lambda v: v["stage"] == "settled", "settled")
    verified = audit(infra, stack_topics, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert report(verified)["verified"] is True
    # Every service's projection, the applications' revocations and the payments' awards
    # and instructions among them, equals what the log alone rebuilds.
    for service in ("applications", "scoring", "notifications", "payments"):
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
            f"{service.upper()}_DATABASE_URL": stack.databases[service],
        }
        for _ in range(20):  # the relay may still be publishing the last events
            rebuilt = rebuild(service, env)
            if rebuilt.returncode == 0:
                break
            await asyncio.sleep(0.5)
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        assert "DIFFERENT" not in rebuilt.stdout

    # The applicants heard of their money, by the last four digits of their accounts; and
    # the notifications projection, which keeps those digits, equals its rebuild too.
    await consumed_to_end(
        infra.kafka_bootstrap, stack_topics.group("notifications"), stack_topics.payments
    )
    ids = final_round.ids
    b = await clients.told(ids["B"])
    assert "into the account ending 9901: the account is closed" in b["PaymentFailed"]
    assert f"PUT /v1/awards/{ids['B']}/payee on the payments API" in b["PaymentFailed"]
    assert "300000 yuan, your award, into the account ending 0002" in b["PaymentSucceeded"]
    c = await clients.told(ids["C"])
    assert "tranche 2 of 2 of your award" in c["PaymentSucceeded"]
    d = await clients.told(ids["D"])
    assert "The 20000 yuan paid on it is due back" in d["AwardRevoked"]
    assert "barred from the program for three years" in d["AwardRevoked"]
    assert "ClawbackSettled" in d
    assert not any(account("9901") in summary for summary in b.values())
    env["NOTIFICATIONS_DATABASE_URL"] = stack.databases["notifications"]
    rebuilt = rebuild("notifications", env)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "payment_tranche" in rebuilt.stdout
    assert "DIFFERENT" not in rebuilt.stdout


async def _logged(infra: Infrastructure, topics: Topics, event_type: str, key: str) -> bool:
    """Whether the payments topic holds an event of this type about this award."""
    records = await read_values(infra.kafka_bootstrap, [topics.payments])
    return any(
        (envelope := Envelope.decode(raw)).event_type == event_type and envelope.aggregate_id == key
        for raw in records
    )


async def _answered(clients: Clients, instruction_id: str, count: int) -> list[dict[str, Any]]:
    """The instruction's callbacks once `count` of them have an answer, else nothing."""
    found = await clients.callbacks(instruction_id)
    done = [c for c in found if c["answers"] and c["fate"] != "sending"]
    return done if len(done) >= count else []


# Each tampering with the money's log returns the event id the auditor must name. The
# forger knows the scheme: every changed event is resealed, and its stream after it.
def pay_more_than_instructed(history: dict[str, Records], ids: dict[str, str]) -> str:
    return _reseal_from(
        history["payments"],
        ids["A"],
        "PaymentSucceeded",
        lambda e: {**e, "payload": {**e["payload"], "amount_yuan": 600_000}},
    )


def pay_an_instruction_twice(history: dict[str, Records], ids: dict[str, str]) -> str:
    records = history["payments"]
    stream = [r for r in records if body(r[2])["aggregate_id"] == ids["A"]]
    paid = next(body(r[2]) for r in stream if body(r[2])["event_type"] == "PaymentSucceeded")
    last = body(stream[-1][2])
    forged = reseal(
        {
            **paid,
            "event_id": "00000000-0000-4000-8000-0000000fa1d2",
            "aggregate_version": last["aggregate_version"] + 1,
            "payload": {**paid["payload"], "bank_reference": "FORGED-0001"},
        },
        last["hash"],
    )
    records.insert(records.index(stream[-1]) + 1, (stream[-1][0], stream[-1][1], encode(forged)))
    return str(forged["event_id"])


def owe_less_than_was_paid(history: dict[str, Records], ids: dict[str, str]) -> str:
    return _reseal_from(
        history["payments"],
        ids["D"],
        "AwardRevoked",
        lambda e: {**e, "payload": {**e["payload"], "paid_yuan": 5_000}},
    )


def _reseal_from(
    records: Records, aggregate_id: str, event_type: str, change: Callable[[Any], Any]
) -> str:
    return edit_event(records, aggregate_id, lambda e: e["event_type"] == event_type, change)


@pytest.mark.parametrize(
    "tamper", [pay_more_than_instructed, pay_an_instruction_twice, owe_less_than_was_paid]
)
async def test_tampering_with_the_money_is_caught_and_the_event_named(
    final_round: Round,
    clients: Clients,
    infra: Infrastructure,
    stack_topics: Topics,
    tamper: Callable[[dict[str, Records], dict[str, str]], str],
) -> None:
    await clients.award_when(final_round.ids["D"], lambda v: v["stage"] == "settled", "settled")
    await until(
        lambda: _logged(infra, stack_topics, "ClawbackSettled", final_round.ids["D"]), "logged"
    )
    named: list[str] = []

    def apply(suffix: str, records: Records) -> Records:
        if suffix == "payments":
            history = {suffix: records}
            named.append(tamper(history, final_round.ids))
        return records

    forged = await copy_history(infra.kafka_bootstrap, stack_topics, apply)
    result = audit(infra, forged, "verify")
    assert result.returncode == 1, result.stdout
    findings = report(result)["findings"]
    assert named[0] in {f["event_id"] for f in findings}, findings
    assert {f["check"] for f in findings if f["event_id"] == named[0]} & {
        "payment",
        "payment ledger",
    }, findings
