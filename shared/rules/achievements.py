"""What counts as one achievement of an enterprise: the key that highest-level-only, "no
double reward" and the prior-rewards lookup compare. A rule of the program, shared by
scoring (which prices and allocates by it), intake (which holds a second lead drafter of
one standard) and the auditor.

A policy names the rule set its keys follow (`achievement_rules`), so that a score
recorded under a policy is reproduced under the rules it was made by:

- **2026.1** (the first rules, kept for the history recorded under them): a standard
  number, a project name and an adopted standard with its product lines, with spaces,
  `-`, `_`, `/` and `.` removed and case folded. That takes different standards for one
  (`GB/T 1234.5-2020` and `GB/T 12345-2020` both become `gbt123452020`), pays each part
  of a series apart, and pays one adoption again for every product line named.
- **2026.2**: the rules of `standard_key` and `adoption_key` below. Only case, spacing
  and the full-width and dash variants of characters (as a Chinese input method types
  them) are folded: every character that tells two standards apart stays.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from shared.policy import AchievementRules as RuleSet
from shared.rules.claims import ClaimRecord, Standard, StandardAdoption


def achievement_key(claim: ClaimRecord, rules: RuleSet) -> str:
    """The claim's achievement, the same for every claim of it whatever level, role or
    product line it names (the enterprise is prefixed by the caller)."""
    return _KEYS[rules](claim)


def enterprise_achievement(credit_code: str, claim: ClaimRecord, rules: RuleSet) -> str:
    """The key a score records: the achievement of one enterprise."""
    return f"{credit_code}/{achievement_key(claim, rules)}"


def paid_by_achievement(
    paid: Iterable[tuple[str, ClaimRecord, int]], rules: RuleSet
) -> dict[str, int]:
    """What was paid per achievement, each earlier payment (credit code, claim, yuan)
    keyed under `rules`, the rules of the round now deciding.

    Rounds of different policies coexist: a payment recorded under 2026.1's key must still
    count against the same standard claimed in a 2026.2 round (and the other way round), so
    earlier payments are keyed again from their claims rather than matched by the key
    their own round recorded. Where every round has the same rules the two are the same.
    """
    totals: dict[str, int] = {}
    for credit_code, claim, amount in paid:
        key = enterprise_achievement(credit_code, claim, rules)
        totals[key] = totals.get(key, 0) + amount
    return totals


# ---- rule set 2026.1 ------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-_/.]+")


def strip_separators(text: str) -> str:
    """The 2026.1 normalisation (also how priority industries are matched)."""
    return _SEPARATORS.sub("", text).casefold()


def _key_2026_1(claim: ClaimRecord) -> str:
    if claim["category"] == "standard":
        return f"standard:{strip_separators(claim['standard_number'])}"
    if claim["category"] == "quality_brand":
        return f"quality_brand:{claim['award']}:{claim['year']}"
    if claim["category"] == "pilot_project":
        return f"pilot_project:{strip_separators(claim['project_name'])}"
    standard = strip_separators(claim["international_standard"])
    return f"standard_adoption:{standard}:{strip_separators(claim['products'])}"


# ---- rule set 2026.2 ------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
# Spacing that separates nothing: beside punctuation, or between a letter and a digit.
# Between two letters or two digits a space may be all that tells two designations apart
# (`GB/T 1234 5` is not `GB/T 12345`), so there it is kept, as one space.
_LOOSE_SPACE = re.compile(
    r"\s+(?=[^\w\s])|(?<=[^\w\s])\s+|(?<=[^\W\d])\s+(?=\d)|(?<=\d)\s+(?=[^\W\d])"
)
_SPACE = re.compile(r"\s+")
# The edition: a year at the end after `-` (GB/T 28733-2012) or `:` (ISO 9001:2015).
_EDITION = re.compile(r"[-:]((?:19|20)\d\d)$")
# Part numbers after the base number: `.1` (GB/T 28733.1) or `-2-24` (IEC 60335-2-24).
# The base number must end in digits after a non-digit: `X.509` has no part.
_PARTS = re.compile(r"(?<=\d)(?:[.-]\d+)+$")


def fold(text: str) -> str:
    """Case, width, dash variants and spacing folded; nothing else."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold().strip()
    return _SPACE.sub(" ", _LOOSE_SPACE.sub("", text))


def designation(number: str) -> tuple[str, str | None]:
    """A standard number split into its series (the designation up to the end of its base
    number: parts dropped) and its edition year, if the number names one."""
    folded = fold(number)
    edition = _EDITION.search(folded)
    if edition:
        folded = folded[: edition.start()]
    return _PARTS.sub("", folded), edition.group(1) if edition else None


def standard_key(claim: Standard) -> str:
    """A standard's achievement under 2026.2.

    - **The part number never enters the key**: the parts of one series (`GB/T 28733.1`,
      `.2`, `.10`; `ISO 8601-1`, `-2`) are one achievement, rewarded once.
    - **The edition year enters only a revision's key.** Formulating a series is one
      achievement whatever year each part appeared in. A revision is a new edition: work
      done years after the original, priced by the policy in its own right (half of
      formulation), and "one standard number is rewarded once" names the number with its
      year. Keying it with the original would refuse it as "already rewarded" whenever the
      enterprise had been paid for the original, which the policy's revision amounts
      contradict. So a revision is one achievement per series and edition year (all parts
      revised in one year count once); its year is the number's, else the year it was
      published.
    """
    series, edition = designation(claim["standard_number"])
    if claim["work"] != "revision":
        return f"standard:{series}"
    return f"standard:{series}:revision:{edition or claim['published_on'][:4]}"


def adoption_key(claim: StandardAdoption) -> str:
    """Adopting an international standard under 2026.2: one achievement per standard
    series, whatever product lines the enterprise names and whichever edition it adopts
    (adopting ISO 9001:2015 after ISO 9001:2008 is the same standard taken up again)."""
    series, _ = designation(claim["international_standard"])
    return f"standard_adoption:{series}"


def _key_2026_2(claim: ClaimRecord) -> str:
    if claim["category"] == "standard":
        return standard_key(claim)
    if claim["category"] == "quality_brand":
        return f"quality_brand:{claim['award']}:{claim['year']}"
    if claim["category"] == "pilot_project":
        return f"pilot_project:{fold(claim['project_name'])}"
    return adoption_key(claim)


_KEYS: dict[RuleSet, Callable[[ClaimRecord], str]] = {
    "2026.1": _key_2026_1,
    "2026.2": _key_2026_2,
}
