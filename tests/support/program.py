"""Driving the applications API the way program officers, applicants, platforms and
reviewers do, each with a token of their role."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.support.tokens import Tokens

EVIDENCE = [{"name": "certificate.pdf", "size_bytes": 48_213, "sha256": "3" * 64}]

CLAIMS: dict[str, dict[str, Any]] = {
    "national_standard": {
        "category": "standard",
        "level": "national",
        "standard_number": "GB/T 45678-2026",
        "title": "Service quality of cold-chain logistics",
        "work": "formulation",
        "role": "lead",
        "published_on": "2026-02-10",
    },
    "quality_award": {
        "category": "quality_brand",
        "award": "china_quality_award",
        "tier": "nominee",
        "year": 2026,
        "conferred_on": "2026-03-15",
    },
    "pilot": {
        "category": "pilot_project",
        "level": "municipal",
        "project_name": "Smart property services",
        "accepted_on": "2026-05-20",
    },
    "adoption": {
        "category": "standard_adoption",
        "international_standard": "ISO 22000:2018",
        "products": "Catering services",
        "adopted_on": "2026-04-01",
    },
}


def own_standard(credit_code: str) -> str:
    """A national standard number of the enterprise's own (no edition year): a standard
    has one lead drafter, so enterprises filing the stock claim each lead their own."""
    digits = int(hashlib.sha256(credit_code.encode()).hexdigest(), 16) % 10**8
    return f"GB/T {digits:08d}"


def application(
    round_id: str,
    credit_code: str,
    claim: dict[str, Any],
    industry: str = "retail",
    industry_code: str | None = None,
) -> dict[str, Any]:
    if claim == CLAIMS["national_standard"]:
        claim = {**claim, "standard_number": f"{own_standard(credit_code)}-2026"}
    enterprise = {"credit_code": credit_code, "name": "Yuzhong Quality Co.", "industry": industry}
    if industry_code is not None:
        enterprise["industry_code"] = industry_code
    return {
        "round_id": round_id,
        "enterprise": enterprise,
        "claim": claim,
        "evidence": EVIDENCE,
        "contact": {"email": "office@yuzhong-quality.example.cn"},
    }


def keyed(headers: dict[str, str], idempotency_key: str | None) -> dict[str, str]:
    """The headers, with the Idempotency-Key that makes a retry safe, if there is one."""
    return headers if idempotency_key is None else {**headers, "Idempotency-Key": idempotency_key}


class Program:
    """`api` reads as its default headers say (the fixtures give an auditor's token);
    each step below sends the token of whoever takes it."""

    def __init__(self, api: httpx.AsyncClient, tokens: Tokens) -> None:
        self.api = api
        self.tokens = tokens
        self.enterprise_of: dict[str, str] = {}  # application id: credit code

    async def open_round(self, budget: int, **fields: Any) -> str:
        now = datetime.now(UTC)
        body = {
            "name": "2026 Quality and Standardization Incentives",
            "year": 2026,
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat(),
            "period_start": "2025-07-01",
            "period_end": "2026-06-30",
            "budget_yuan": budget,
            # Calendar days: the suite must not depend on the date it runs on, and the
            # official calendar of working days is known a year at a time
            # (tests/e2e/test_publicity.py counts working days on a clock of its own).
            "publicity_day_kind": "calendar",
            **fields,
        }
        response = await self.api.post(
            "/v1/rounds", json=body, headers=self.tokens.headers("program_officer")
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def submit(
        self,
        round_id: str,
        credit_code: str,
        claim: dict[str, Any],
        via: str | None = None,
        idempotency_key: str | None = None,
        **kw: Any,
    ) -> str:
        """Filed by the enterprise itself, or by the platform named in `via`."""
        headers = (
            self.tokens.headers("platform", sub=via) if via else self.tokens.applicant(credit_code)
        )
        response = await self.api.post(
            "/v1/applications",
            json=application(round_id, credit_code, claim, **kw),
            headers=keyed(headers, idempotency_key),
        )
        assert response.status_code == 201, response.text
        application_id = str(response.json()["id"])
        self.enterprise_of[application_id] = credit_code
        return application_id

    async def review(
        self,
        application_id: str,
        decision: str = "eligible",
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> None:
        response = await self.api.post(
            f"/v1/applications/{application_id}/review",
            json={"decision": decision, **fields},
            headers=keyed(self.tokens.headers("reviewer"), idempotency_key),
        )
        assert response.status_code == 202, response.text

    async def close(self, round_id: str, idempotency_key: str | None = None) -> None:
        response = await self.api.post(
            f"/v1/rounds/{round_id}/close",
            headers=keyed(self.tokens.headers("program_officer"), idempotency_key),
        )
        assert response.status_code == 202, response.text

    async def amend(self, application_id: str, body: Any) -> httpx.Response:
        """The enterprise that filed it corrects it."""
        return await self.api.post(
            f"/v1/applications/{application_id}/amend",
            json=body,
            headers=self.tokens.applicant(self.enterprise_of[application_id]),
        )

    async def withdraw(self, application_id: str, reason: str = "") -> httpx.Response:
        """The enterprise that filed it withdraws it."""
        return await self.api.post(
            f"/v1/applications/{application_id}/withdraw",
            json={"reason": reason},
            headers=self.tokens.applicant(self.enterprise_of[application_id]),
        )

    async def status(self, application_id: str) -> dict[str, Any]:
        response = await self.api.get(f"/v1/applications/{application_id}")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result
