"""A register load's rows as the platform sends them: every bad row reported by row,
field and rule, the good ones taken, whether as JSON or as CSV."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.register.domain.csv_rows import HeaderProblem, csv_rows
from services.register.domain.load import accept
from services.register.domain.rows import check_rows
from shared.contracts.register import EnterprisesRegistered, RegisterLoadAccepted
from shared.envelope import canonical_json
from shared.kafka import MAX_EVENT_BYTES
from tests.support.credit_codes import credit_codes

A, B, C = credit_codes(seed=41, count=3)


def row(code: str = A, **fields: Any) -> dict[str, Any]:
    return {
        "credit_code": code,
        "name": "重庆冷链物流有限公司",
        "industry_code": "G5430",
        "registered_on": "2019-03-01",
        **fields,
    }


def problems(*rows: Any) -> list[tuple[int, str, str]]:
    return [(p.row, p.field, p.rule) for p in check_rows(rows).problems]


def test_a_good_row_becomes_the_enterprises_record() -> None:
    checked = check_rows(
        [
            row(
                former_names=["重庆冷链运输有限公司"],
                deregistered_on=None,
                dishonesty=[{"listed_on": "2024-01-05", "reference": "渝市监信[2024]3号"}],
            )
        ]
    )
    [record] = checked.accepted
    assert (checked.rows, checked.rejected, checked.problems) == (1, 0, [])
    assert record.credit_code == A
    assert record.former_names == ["重庆冷链运输有限公司"]
    assert record.registered_on == date(2019, 3, 1)
    assert record.dishonesty[0].listed_on == date(2024, 1, 5)
    assert record.dishonesty[0].removed_on is None


def test_every_problem_of_a_row_is_named_and_the_good_rows_still_go_in() -> None:
    bad_code = A[:17] + ("0" if A[17] != "0" else "1")
    checked = check_rows(
        [
            row(A),
            row(bad_code, industry_code="C54", registered_on="2019-3-1"),
            row(B, name="", extra="x"),
            "not a row",
            row(C, deregistered_on="2018-01-01"),
        ]
    )
    assert [r.credit_code for r in checked.accepted] == [A]
    assert (checked.rows, checked.rejected) == (5, 4)
    assert [(p.row, p.field, p.rule) for p in checked.problems] == [
        (2, "credit_code", "checksum"),
        (2, "industry_code", "industry_code_known"),
        (2, "registered_on", "date"),
        (3, "extra", "unknown_field"),
        (3, "name", "required"),
        (4, "row", "object"),
        (5, "deregistered_on", "after_registration"),
    ]


def test_a_credit_code_twice_in_one_load_refuses_the_later_row() -> None:
    assert problems(row(A), row(B), row(A, name="另一家")) == [(3, "credit_code", "unique_in_load")]


@pytest.mark.parametrize(
    ("listing", "field", "rule"),
    [
        ({"reference": "x"}, "dishonesty.0.listed_on", "required"),
        ({"listed_on": "2024-01-05"}, "dishonesty.0.reference", "required"),
        (
            {"listed_on": "2024-01-05", "removed_on": "2024-01-05", "reference": "x"},
            "dishonesty.0.removed_on",
            "after_listing",
        ),
        ({"listed_on": "2024-01-05", "reference": "x", "why": "?"}, "dishonesty.0", "object"),
    ],
)
def test_a_dishonesty_listing_needs_its_day_and_reference(
    listing: dict[str, Any], field: str, rule: str
) -> None:
    assert problems(row(dishonesty=[listing])) == [(1, field, rule)]


def test_texts_are_bounded_and_free_of_nul() -> None:
    assert problems(row(name="x" * 501), row(B, former_names=["ok", "bad\x00"])) == [
        (1, "name", "length"),
        (2, "former_names.1", "length"),
    ]


CSV_HEADER = (
    "credit_code,name,former_names,industry_code,registered_on,deregistered_on,"
    "dishonesty_listed_on,dishonesty_removed_on,dishonesty_reference\n"
)


def test_a_csv_row_reads_as_the_json_row_with_lists_split_on_bars() -> None:
    text = (
        CSV_HEADER
        + f"{A},甲公司,旧名一|旧名二,G59,2019-03-01,,2020-01-01|2024-05-01,2021-01-01|,r1|r2\n"
    )
    [parsed] = list(csv_rows(text.splitlines(keepends=True)))
    [record] = check_rows([parsed]).accepted
    assert record.former_names == ["旧名一", "旧名二"]
    assert [(e.listed_on, e.removed_on, e.reference) for e in record.dishonesty] == [
        (date(2020, 1, 1), date(2021, 1, 1), "r1"),
        (date(2024, 5, 1), None, "r2"),
    ]


def test_csv_dishonesty_columns_that_do_not_line_up_are_a_problem_of_the_row() -> None:
    text = CSV_HEADER + f"{A},甲公司,,G59,2019-03-01,,2020-01-01|2024-05-01,,r1\n"
    [problem] = check_rows(csv_rows(text.splitlines(keepends=True))).problems
    assert (problem.row, problem.field, problem.rule) == (1, "dishonesty", "aligned")


def test_a_csv_row_with_more_cells_than_the_header_is_refused_not_guessed() -> None:
    text = "credit_code,name,industry_code,registered_on\n" + f"{A},甲,公司,G59,2019-03-01\n"
    rules = {p.rule for p in check_rows(csv_rows(text.splitlines(keepends=True))).problems}
    assert "header_width" in rules


def test_quoted_cells_may_hold_commas_and_line_breaks() -> None:
    text = "credit_code,name,industry_code,registered_on\n" + f'{A},"甲,乙\n公司",G59,2019-03-01\n'
    [record] = check_rows(csv_rows(text.splitlines(keepends=True))).accepted
    assert record.name == "甲,乙\n公司"


@pytest.mark.parametrize(
    "header",
    ["credit_code,name,industry_code\n", "credit_code,name,industry_code,registered_on,phone\n"],
)
def test_a_header_that_is_not_the_registers_refuses_the_whole_load(header: str) -> None:
    with pytest.raises(HeaderProblem):
        list(csv_rows([header]))


def test_a_load_is_one_acceptance_then_batches_of_a_thousand() -> None:
    codes = credit_codes(seed=42, count=2_500)
    checked = check_rows([row(code) for code in codes] + [row("bad")])
    events = accept("load-1", "platform-cq", "0" * 64, checked)
    accepted, *batches = events
    assert isinstance(accepted, RegisterLoadAccepted)
    assert (accepted.rows, accepted.accepted, accepted.rejected, accepted.batches) == (
        2_501,
        2_500,
        1,
        3,
    )
    assert [p.row for p in accepted.problems] == [2_501]
    assert all(isinstance(b, EnterprisesRegistered) for b in batches)
    sizes = [len(b.enterprises) for b in batches if isinstance(b, EnterprisesRegistered)]
    assert sizes == [1_000, 1_000, 500]
    # Every batch round-trips through its contract as a consumer reads it.
    for batch in batches:
        assert EnterprisesRegistered.model_validate(batch.model_dump(mode="json")) == batch


def test_a_load_of_the_longest_records_is_batched_under_what_the_topic_takes() -> None:
    # A thousand rows of 20 former names of 500 characters would be a 60 MB event.
    long = ["长" * 498 + f"{n:02d}" for n in range(20)]
    codes = credit_codes(seed=43, count=1_000)
    checked = check_rows([row(code, name="名" * 500, former_names=long) for code in codes])
    _, *batches = accept("load-2", "platform-cq", "0" * 64, checked)
    assert sum(len(b.enterprises) for b in batches if isinstance(b, EnterprisesRegistered)) == 1_000
    largest = max(len(canonical_json(b.model_dump(mode="json"))) for b in batches)
    assert largest < MAX_EVENT_BYTES // 2
