"""Who objects to the demo round's list, on what grounds, and how the reviewers decide."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Literal

from shared.rules.credit_code import check_character

from .evidence import generated
from .firms import organisation_code


@dataclass(frozen=True)
class Objection:
    firm: str  # the key of the firm whose listed application is objected to
    category: str  # which of its applications
    objector: dict[str, Any]
    grounds: str
    evidence: tuple[str, ...]  # document names; sizes and hashes are generated
    decision: Literal["dismissed", "upheld"]
    reasons: str
    second_review: dict[str, Any] | None = None  # after an upheld objection

    def body(self, application_id: str) -> dict[str, Any]:
        """The public endpoint's request: no token, the objector named in it."""
        who = self.objector["name"]
        return {
            "application_id": application_id,
            "objector": self.objector,
            "grounds": self.grounds,
            "evidence": [generated(f"{who}|{name}", name) for name in self.evidence],
        }


def association_code() -> str:
    """A social organisation's code (registration "51", Chongqing "500000")."""
    body = "51500000" + organisation_code(random.Random("retail-association"), "MJ")
    return body + check_character(body)


PERSON = Objection(
    firm="jfb-coldchain",
    category="standard",
    objector={
        "kind": "person",
        "name": "Wang Jianguo",
        "email": "wang.jianguo@163.example.cn",
        "phone": "+86 138 0836 2715",
    },
    grounds="The foreword of the standard names the China Federation of Logistics and "
    "Purchasing as the first drafting unit; Jiefangbei Cold Chain did not lead the drafting.",
    evidence=("standard-foreword-photo.jpg",),
    decision="dismissed",
    reasons="The published foreword lists Chongqing Jiefangbei Cold Chain Logistics first "
    "and the federation second; the drafting-unit letter filed agrees. The claim stands.",
)
ORGANISATION = Objection(
    firm="meimei-store",
    category="quality_brand",
    objector={
        "kind": "organisation",
        "name": "Chongqing Retail Trade Association",
        "credit_code": association_code(),
        "authorised_person": "Li Na, deputy secretary-general",
        "email": "lina@cq-retail-association.example.cn",
    },
    grounds="The 2025 China Quality Award was conferred on the parent company, Chongqing "
    "Meimei Commercial Group, not on the department store company that applied for it.",
    evidence=("china-quality-award-2025-announcement.pdf", "meimei-group-structure.pdf"),
    decision="upheld",
    reasons="The award announcement names the group, a separate legal person; the "
    "certificate filed is the group's. Sent back for a second review.",
    second_review={
        "decision": "ineligible",
        "reason_code": "evidence_missing",
        "note": "Second review after an upheld objection: the China Quality Award 2025 "
        "was conferred on Chongqing Meimei Commercial Group; nothing filed shows the "
        "applicant holds the title.",
    },
)
OBJECTIONS = (PERSON, ORGANISATION)
# An objection that names no one: the system must refuse it.
ANONYMOUS = {"kind": "person", "name": "anonymous", "email": "whistle@example.cn"}
# Someone who objects after the period: too late, however well named.
LATE = {"kind": "person", "name": "Liu Yang", "email": "liu.yang@example.cn"}
