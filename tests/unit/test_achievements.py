"""What one achievement is: the keys highest-level-only and "no double reward" compare."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.policy import policy_version
from shared.rules.achievements import (
    achievement_key,
    designation,
    enterprise_achievement,
    paid_by_achievement,
)
from shared.rules.claims import ClaimRecord, Standard, StandardAdoption
from shared.rules.pricing import assess

CODE = "91110108551385082Q"


def standard(number: str, work: str = "formulation", published_on: str = "2026-02-10") -> Standard:
    return {
        "category": "standard",
        "level": "national",
        "standard_number": number,
        "title": "Service quality",
        "work": work,
        "role": "lead",
        "published_on": published_on,
    }


def key(claim: ClaimRecord) -> str:
    return achievement_key(claim, "2026.2")


def test_the_parts_of_one_series_are_one_achievement() -> None:
    parts = ["GB/T 28733.1-2012", "GB/T 28733.2-2013", "GB/T 28733.10-2015", "GB/T 28733"]
    assert {key(standard(number)) for number in parts} == {"standard:gb/t28733"}
    assert key(standard("ISO 8601-1:2019")) == key(standard("ISO 8601-2:2019"))
    assert key(standard("IEC 60335-2-24:2020")) == key(standard("IEC 60335-1:2020"))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("GB/T 1234.5-2020", "GB/T 12345-2020"),  # 2026.1 took both for gbt123452020
        ("GB/T 28733.1-2012", "GB/T 2873.31-2012"),
        ("GB 28733-2012", "GB/T 28733-2012"),  # mandatory and recommended
        ("GB/T 28733-2012", "GB/Z 28733-2012"),
        ("GB/T 1234 5", "GB/T 12345"),  # a space between digits separates them
        ("JR/T 0171-2020", "JR/T 171-2020"),  # leading zeros are characters too
        ("DB11/T 1234-2015", "DB12/T 1234-2015"),
        ("ITU-T X.509", "ITU-T X.500"),  # a dot inside a designation is not a part
    ],
)
def test_different_standard_numbers_are_different_achievements(one: str, other: str) -> None:
    assert key(standard(one)) != key(standard(other))


def test_case_width_dashes_and_spacing_are_folded() -> None:
    variants = ["GB/T 28733.1-2012", "gb/t28733.1-2012", " GB / T  28733.1 - 2012 "]
    # Typed with a Chinese input method: full-width letters, digits and marks, an em dash.
    variants += [
        "\uff27\uff22\uff0f\uff34\u3000\uff12\uff18\uff17\uff13\uff13\uff0e\uff11\u2014\uff12\uff10\uff11\uff12"
    ]
    assert len({key(standard(number)) for number in variants}) == 1


def test_a_revision_is_one_achievement_per_edition_apart_from_the_formulation() -> None:
    formulation = key(standard("GB/T 28733.1-2012"))
    revised_2024 = key(standard("GB/T 28733.1-2024", "revision"))
    assert revised_2024 == "standard:gb/t28733:revision:2024"
    assert len({formulation, revised_2024, key(standard("GB/T 28733-2026", "revision"))}) == 3
    # Every part revised in one year is one revision of the series.
    assert key(standard("GB/T 28733.2-2024", "revision")) == revised_2024
    # Without a year in the number, the year it was published names the edition.
    assert key(standard("GB/T 28733.1", "revision", published_on="2024-05-01")) == revised_2024


def test_adopting_one_international_standard_is_one_achievement_whatever_the_products() -> None:
    def adoption(standard: str, products: str) -> StandardAdoption:
        return {
            "category": "standard_adoption",
            "international_standard": standard,
            "products": products,
            "adopted_on": "2026-04-01",
        }

    hotpot = adoption("ISO 22000:2018", "Hotpot restaurants")
    kitchen = adoption("ISO 22000:2018", "Central kitchen")
    assert key(hotpot) == key(kitchen) == key(adoption("ISO 22000:2005", "Catering"))
    assert key(hotpot) != key(adoption("ISO 22001:2018", "Hotpot restaurants"))
    # The first rules, kept for what was decided under them, told product lines apart.
    assert achievement_key(hotpot, "2026.1") != achievement_key(kitchen, "2026.1")
    assert achievement_key(hotpot, "2026.1") == "standard_adoption:iso22000:2018:hotpotrestaurants"


def test_a_policy_names_the_rules_its_scores_are_keyed_by() -> None:
    claim = standard("GB/T 1234.5-2020")
    old = assess(claim, CODE, "retail", policy_version("2026.1"))
    new = assess(claim, CODE, "retail", policy_version("2026.2"))
    assert old.achievement_key == f"{CODE}/standard:gbt123452020"  # as recorded until now
    assert new.achievement_key == f"{CODE}/standard:gb/t1234"
    assert (old.claimed_amount_yuan, old.score) == (new.claimed_amount_yuan, new.score)


# ---- properties ---------------------------------------------------------------------

prefixes = st.sampled_from(["GB", "GB/T", "GB/Z", "JR/T", "DB50/T", "T/CAS", "ISO", "ISO/IEC"])
base_numbers = st.integers(min_value=1, max_value=99_999).map(str)
parts = st.lists(st.integers(min_value=1, max_value=120), max_size=3)
years = st.none() | st.integers(min_value=1950, max_value=2099)


def number_of(prefix: str, base: str, part: list[int], year: int | None) -> str:
    iso = prefix.startswith("ISO")
    text = f"{prefix} {base}" + "".join(f"{'-' if iso else '.'}{p}" for p in part)
    return text if year is None else text + f"{':' if iso else '-'}{year}"


@given(prefixes, base_numbers, parts, years)
def test_a_number_keys_to_its_series_whatever_its_part_and_year(
    prefix: str, base: str, part: list[int], year: int | None
) -> None:
    series, edition = designation(number_of(prefix, base, part, year))
    assert series == designation(f"{prefix} {base}")[0]
    assert edition == (None if year is None else str(year))


@given(prefixes, base_numbers, parts, years, prefixes, base_numbers, parts, years)
def test_two_series_share_a_key_only_when_prefix_and_base_number_are_the_same(
    prefix: str,
    base: str,
    part: list[int],
    year: int | None,
    prefix2: str,
    base2: str,
    part2: list[int],
    year2: int | None,
) -> None:
    one = key(standard(number_of(prefix, base, part, year)))
    other = key(standard(number_of(prefix2, base2, part2, year2)))
    assert (one == other) == ((prefix, base) == (prefix2, base2))


def same_kind(one: str, other: str) -> bool:
    return (one.isdigit() and other.isdigit()) or (one.isalpha() and other.isalpha())


spacing = st.sampled_from(["", " ", "  ", "\u3000", "\t"])


@given(prefixes, base_numbers, parts, years, st.data())
def test_case_and_spacing_never_change_the_key(
    prefix: str, base: str, part: list[int], year: int | None, data: st.DataObject
) -> None:
    number = number_of(prefix, base, part, year)
    # Spacing anywhere except between two digits or two letters, where it would split
    # a number or a code.
    respaced = "".join(
        character + ("" if same_kind(character, following) else data.draw(spacing))
        for character, following in zip(number, number[1:] + "/", strict=True)
    )
    recased = "".join(c.lower() if data.draw(st.booleans()) else c.upper() for c in respaced)
    assert key(standard(recased)) == key(standard(number))


# ---- rounds of 2026.1 and 2026.2 side by side ---------------------------------------


def test_an_earlier_payment_counts_under_the_rules_of_the_round_now_deciding() -> None:
    """Part 1 paid in a 2026.1 round (recorded as `gbt287331...`): a 2026.2 round claiming
    part 2 of the series sees it; a 2026.1 round still keys the parts apart, as it did."""
    paid = [(CODE, standard("GB/T 28733.1-2025"), 120_000), (CODE, standard("GB/T 1-2025"), 5)]
    under_new = paid_by_achievement(paid, "2026.2")
    assert under_new[enterprise_achievement(CODE, standard("GB/T 28733.2-2026"), "2026.2")] == (
        120_000
    )
    under_old = paid_by_achievement(paid, "2026.1")
    assert under_old == {f"{CODE}/standard:gbt2873312025": 120_000, f"{CODE}/standard:gbt12025": 5}


def test_a_quality_brand_title_is_one_achievement_per_award_and_year() -> None:
    def title(award: str, year: int, tier: str = "winner") -> ClaimRecord:
        return {"category": "quality_brand", "award": award, "tier": tier, "year": year}

    assert key(title("mayor_quality_award", 2025)) == "quality_brand:mayor_quality_award:2025"
    # Nominated, then winning the same title: one achievement (paid at its highest level).
    assert key(title("mayor_quality_award", 2025, "nominee")) == key(
        title("mayor_quality_award", 2025)
    )


def test_a_pilot_project_is_one_achievement_however_its_name_is_spaced_or_cased() -> None:
    def pilot(name: str) -> ClaimRecord:
        return {
            "category": "pilot_project",
            "level": "municipal",
            "project_name": name,
            "accepted_on": "2026-03-01",
        }

    assert key(pilot("Cold-Chain  Logistics Pilot")) == "pilot_project:cold-chain logistics pilot"
    assert key(pilot("cold-chain logistics pilot")) == key(pilot("Cold-Chain  Logistics Pilot"))
    assert key(pilot("Cold-chain logistics pilot 2")) != key(pilot("Cold-chain logistics pilot"))
    # The first rules took any separator away: kept for what was decided under them.
    assert achievement_key(pilot("Cold chain"), "2026.1") == "pilot_project:coldchain"


def test_what_was_paid_adds_up_per_achievement() -> None:
    paid = [(CODE, standard("GB/T 1-2025"), 100), (CODE, standard("GB/T 1-2025"), 50)]
    assert paid_by_achievement(paid, "2026.2") == {f"{CODE}/standard:gb/t1": 150}
