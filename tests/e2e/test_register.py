"""The district's register over the real stack, as processes: the municipal platform
loads it as CSV with a bad row; intake then takes a filing by a registered enterprise and
refuses one the register does not hold and one on the serious-dishonesty list."""

from __future__ import annotations

import httpx

from services.applications.adapters.tables import register as copy
from tests.e2e.conftest import Stack
from tests.support.credit_codes import credit_codes
from tests.support.databases import rows_reach
from tests.support.processes import ServiceProcess
from tests.support.program import CLAIMS, Program, application
from tests.support.tokens import Tokens

REGISTERED, LISTED, UNKNOWN, BAD = credit_codes(seed=71, count=4)
CSV = (
    "credit_code,name,former_names,industry_code,registered_on,deregistered_on,"
    "dishonesty_listed_on,dishonesty_removed_on,dishonesty_reference\n"
    f"{REGISTERED},重庆冷链物流有限公司,重庆冷链运输有限公司,G5430,2019-03-01,,,,\n"
    f"{LISTED},重庆某商贸有限公司,,F51,2018-05-20,,2025-01-10,,渝信[2025]7号\n"
    f"{BAD},重庆某科技有限公司,,冷链物流,2020-01-01,,,,\n"
)


async def test_a_register_load_with_a_bad_row_then_intake_holds_filings_to_it(
    stack: Stack, register: ServiceProcess, tokens: Tokens
) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        loaded = await client.post(
            f"{register.url}/v1/register/loads",
            params={"load_id": "cq-2026-06-01"},
            content=CSV.encode(),
            headers={**tokens.headers("platform"), "Content-Type": "text/csv"},
        )
    assert loaded.status_code == 200, loaded.text
    answer = loaded.json()
    assert (answer["rows"], answer["accepted"], answer["rejected"]) == (3, 2, 1)
    assert [(p["row"], p["field"], p["rule"]) for p in answer["problems"]] == [
        (3, "industry_code", "industry_code_format")
    ]
    await rows_reach(stack.databases["applications"], copy.load, 1)

    async with httpx.AsyncClient(
        base_url=stack.applications.url, headers=tokens.headers("auditor"), timeout=30
    ) as api:
        program = Program(api, tokens)
        round_id = await program.open_round(budget=1_000_000)
        await program.submit(round_id, REGISTERED, CLAIMS["pilot"])
        for code, rule in [
            (UNKNOWN, "registered_in_district"),
            (LISTED, "not_on_dishonesty_list"),
        ]:
            refused = await api.post(
                "/v1/applications",
                json=application(round_id, code, CLAIMS["pilot"]),
                headers=tokens.applicant(code),
            )
            assert refused.status_code == 422, refused.text
            [error] = refused.json()["errors"]
            assert (error["field"], error["rule"]) == ("enterprise.credit_code", rule)
