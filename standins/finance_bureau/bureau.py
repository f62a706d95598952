"""The bureau's logic, pure: every instruction id it has seen, forever, and what it
answers. Outcomes are final; a repeat gets the first answer; an id cancelled before it
arrives stays cancelled. The HTTP routes and the callback sender are around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .behaviours import behaviour
from .bodies import Answer, Callback, Kept, Received, failure, state_body, utc_text


@dataclass
class Bureau:
    late_after: timedelta = timedelta(hours=1)
    kept: dict[str, Kept] = field(default_factory=dict)
    cancelled_unseen: set[str] = field(default_factory=set)
    late: list[tuple[datetime, Callback]] = field(default_factory=list)
    sequence: int = 0

    def receive(self, instruction: Received, now: datetime) -> Answer:
        """POST /v1/payment-instructions: accept, refuse at the door, or answer a repeat."""
        known = self.kept.get(instruction.instruction_id)
        if known is not None:
            if known.received.digest != instruction.digest:
                return Answer(409, {"error": "idempotency_conflict"})
            return known.first_answer
        if instruction.instruction_id in self.cancelled_unseen:
            return Answer(409, {"error": "cancelled"})
        chosen = behaviour(instruction.account_number)
        if chosen == "refuses":
            answer = Answer(422, failure("name_mismatch"))
            self.kept[instruction.instruction_id] = Kept(
                instruction, chosen, answer, "failed", reason="name_mismatch"
            )
            return answer
        reference = self._next("CZ", now)
        answer = Answer(
            202,
            {
                "instruction_id": instruction.instruction_id,
                "status": "accepted",
                "bureau_reference": reference,
            },
        )
        self.kept[instruction.instruction_id] = Kept(
            instruction, chosen, Answer(200, answer.body), "accepted", reference
        )
        return Answer(202, answer.body, slow=chosen == "slow")

    def state(self, instruction_id: str) -> Answer:
        """GET /v1/payment-instructions/{id}: what the bureau holds of it, or 404."""
        if instruction_id in self.cancelled_unseen:
            return Answer(200, {"instruction_id": instruction_id, "status": "cancelled"})
        known = self.kept.get(instruction_id)
        if known is None:
            return Answer(404, {"error": "not_found"})
        return Answer(200, state_body(known))

    def cancel(self, instruction_id: str) -> Answer:
        """POST .../cancel: 200 when nothing was paid, 409 with the outcome that came first."""
        known = self.kept.get(instruction_id)
        if known is None:
            self.cancelled_unseen.add(instruction_id)
        elif known.status == "accepted":
            known.status = "cancelled"
        elif known.status in ("paid", "failed"):
            return Answer(409, state_body(known))
        return Answer(200, {"instruction_id": instruction_id, "status": "cancelled"})

    def release(self, now: datetime) -> tuple[list[Kept], list[Callback]]:
        """Pay or fail everything accepted so far: the outcomes and the callbacks they make."""
        settled = [k for k in self.kept.values() if k.status == "accepted"]
        callbacks: list[Callback] = []
        for kept in settled:
            if kept.behaviour == "fails":
                kept.status, kept.reason = "failed", "account_closed"
                callbacks.append(self._callback(kept, now, failure("account_closed")))
                continue
            kept.status, kept.paid_at = "paid", now.replace(microsecond=0)
            kept.bank_reference = self._next("CQTB", now)
            callbacks.append(self._paid(kept, now))
            if kept.behaviour == "pays_twice":
                callbacks.append(self._paid(kept, now))
            if kept.behaviour == "pays_again_late":
                self.late.append((now + self.late_after, self._paid(kept, now)))
        return settled, callbacks

    def late_due(self, now: datetime) -> list[Callback]:
        """The late repeats whose time has come in the bureau's clock, each once."""
        due = [callback for at, callback in self.late if at <= now]
        self.late = [(at, callback) for at, callback in self.late if at > now]
        return due

    def counts(self) -> dict[str, int]:
        counts = {"accepted": 0, "paid": 0, "failed": 0, "cancelled": len(self.cancelled_unseen)}
        for kept in self.kept.values():
            counts[kept.status] += 1
        return counts

    def _paid(self, kept: Kept, now: datetime) -> Callback:
        assert kept.paid_at is not None
        body = {
            "status": "paid",
            "amount_yuan": kept.received.amount_yuan,
            "bank_reference": kept.bank_reference,
        }
        return self._callback(kept, kept.paid_at, body)

    def _callback(self, kept: Kept, at: datetime, outcome: dict[str, Any]) -> Callback:
        callback_id = self._next("c-", at, "-")
        body = {"callback_id": callback_id, "instruction_id": kept.received.instruction_id}
        return Callback(
            callback_id, kept.received.instruction_id, body | outcome | {"at": utc_text(at)}
        )

    def _next(self, prefix: str, now: datetime, separator: str = "") -> str:
        self.sequence += 1
        return f"{prefix}{now:%Y%m%d}{separator}{self.sequence:06d}"
