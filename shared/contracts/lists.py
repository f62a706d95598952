"""Events of the register service about official lists (issue 17, part 2): the lists an
authority publishes that name rewarded achievements and the enterprises behind them,
lists of newly published standards with their drafting units, award winner
announcements, acceptance lists of standardization pilot projects. qsfund matches each
unit a list names to the district's register, so that benefits reach enterprises
without an application (免申即享).

("Official list", not "published list", in code: the publicity's `PublishedList` is the
list of proposed awards qsfund itself publishes.)

A list is one stream (aggregate type `official-list`, keyed by the platform's list id):
its receipt with the counts, its entries in batches, then the matches of every unit in
batches, then a person's resolution of each unit that could not be matched by rule.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from shared.contracts.base import Contract
from shared.contracts.register import LoadId, Reference
from shared.contracts.values import Text, Value

# The most entries one OfficialListEntries carries. A batch of 500 real entries is a few
# hundred kilobytes; 500 standards of MAX_UNITS units with the longest names would be
# 37 MB, so the register also cuts batches by size (services/register/domain/lists.py),
# under the largest event the topics take: a batch may hold fewer.
ENTRIES_BATCH_SIZE = 500
# The most unit matches one OfficialListMatched carries (fewer when their reasons are
# long, as above).
MATCHES_BATCH_SIZE = 2000
MAX_UNITS = 50
CreditCode = Annotated[str, Field(min_length=18, max_length=18)]
ListKind = Literal["standards", "award_winners", "pilot_projects"]


class NamedUnit(Value):
    """An enterprise as the list names it: by name always, by credit code where the list
    gives one (a standard's foreword names only the unit)."""

    name: Text
    credit_code: CreditCode | None = None


class StandardEntry(Value):
    """A newly published standard. Its drafting units are in the order the foreword names
    them: the first is the lead drafter, the others participants."""

    kind: Literal["standard"]
    source_document: Reference
    standard_number: Annotated[str, Field(min_length=2, max_length=80)]
    title: Text
    level: Literal["international", "national", "industry", "local", "group"]
    work: Literal["formulation", "revision"]
    published_on: date
    drafting_units: list[NamedUnit] = Field(min_length=1, max_length=MAX_UNITS)


class AwardEntry(Value):
    """One winner or nominee of a quality award announcement."""

    kind: Literal["award"]
    source_document: Reference
    award: Literal["china_quality_award", "mayor_quality_award", "district_quality_award"]
    tier: Literal["winner", "nominee"]
    year: int = Field(ge=1990, le=2100)
    conferred_on: date
    winner: NamedUnit


class PilotProjectEntry(Value):
    """A standardization pilot project that passed acceptance, with its undertaking units
    (the first the lead undertaker)."""

    kind: Literal["pilot_project"]
    source_document: Reference
    level: Literal["national", "municipal"]
    project_name: Text
    accepted_on: date
    units: list[NamedUnit] = Field(min_length=1, max_length=MAX_UNITS)


ListEntry = Annotated[StandardEntry | AwardEntry | PilotProjectEntry, Field(discriminator="kind")]


class NumberedEntry(Value):
    """An entry with its number in the list as received (the first is 1)."""

    number: int = Field(ge=1)
    entry: ListEntry


class UnitRef(Value):
    """One unit of one entry of one list: what a match, a proposal and an award trace to.
    `unit` counts from 0 in the order the entry names its units (0 is the lead)."""

    list_id: LoadId
    entry: int = Field(ge=1)
    unit: int = Field(ge=0, lt=MAX_UNITS)


MatchOutcome = Literal["matched", "ambiguous", "unmatched"]
MatchedBy = Literal["credit_code", "name", "former_name", "person"]


class UnitMatch(Value):
    """How one unit was matched to the register, and why.

    - `matched`: `credit_code` is the enterprise; `by` says how (the list's credit code,
      the register's current name, a former name).
    - `ambiguous`: more than one enterprise fits (`candidates`); a person decides.
    - `unmatched`: no enterprise of the register fits (not registered in the district,
      or named otherwise); `reason` says which rule failed.
    """

    entry: int = Field(ge=1)
    unit: int = Field(ge=0, lt=MAX_UNITS)
    outcome: MatchOutcome
    credit_code: CreditCode | None = None
    by: MatchedBy | None = None
    candidates: list[CreditCode] = Field(default_factory=list, max_length=20)
    reason: str = ""


class ListEvent(Contract):
    aggregate_type: ClassVar[str] = "official-list"

    list_id: LoadId

    def aggregate_id(self) -> str:
        return self.list_id


class OfficialListReceived(ListEvent):
    """A platform submitted an official list: what kind, its title, how many entries, and
    the SHA-256 of the body as received (the same list id with other entries is refused,
    not mistaken for a retry)."""

    kind: ListKind
    title: Text
    submitted_by: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    entries: int = Field(ge=1)
    batches: int = Field(ge=1)


class OfficialListEntries(ListEvent):
    """One batch of the list's entries, as received."""

    batch: int = Field(ge=1)
    entries: list[NumberedEntry] = Field(min_length=1, max_length=ENTRIES_BATCH_SIZE)


class OfficialListMatched(ListEvent):
    """One batch of the matches of the list's units against the register as it stood."""

    batch: int = Field(ge=1)
    batches: int = Field(ge=1)
    matches: list[UnitMatch] = Field(min_length=1, max_length=MATCHES_BATCH_SIZE)


class OfficialListUnitResolved(ListEvent):
    """A person decided an ambiguous (or unmatched) unit: the enterprise it is, or none."""

    entry: int = Field(ge=1)
    unit: int = Field(ge=0, lt=MAX_UNITS)
    credit_code: CreditCode | None
    resolved_by: str
    note: str = Field(default="", max_length=2000)


PUBLISHED: tuple[type[Contract], ...] = (
    OfficialListReceived,
    OfficialListEntries,
    OfficialListMatched,
    OfficialListUnitResolved,
)
