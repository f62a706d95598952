"""The national economic industry classification (GB/T 4754-2017): which codes exist, and
what each section and division is called. Data, not code: gbt4754_2017.yaml beside this.

A code is a section letter and 2 to 4 digits ("G54", "G543", "G5430"): the division is its
first two digits and must belong to the section. Groups and classes (3 and 4 digits) are
accepted by their division, since only sections and divisions are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

CODE = re.compile(r"^([A-T])([0-9]{2})([0-9]{0,2})$")


@dataclass(frozen=True)
class Division:
    code: str  # "G54"
    name: str


@dataclass(frozen=True)
class Section:
    code: str  # "G"
    name: str
    name_en: str
    divisions: tuple[Division, ...]


@dataclass(frozen=True)
class Classification:
    edition: str
    sections: tuple[Section, ...]

    @property
    def division_sections(self) -> dict[str, str]:
        return {d.code[1:]: s.code for s in self.sections for d in s.divisions}


@cache
def classification() -> Classification:
    """The classification as shipped with the code (read once)."""
    raw = yaml.safe_load((files(__package__) / "gbt4754_2017.yaml").read_text(encoding="utf-8"))
    sections = tuple(
        Section(
            code=letter,
            name=body["name"],
            name_en=body["name_en"],
            divisions=tuple(
                Division(code=f"{letter}{number}", name=name)
                for number, name in body["divisions"].items()
            ),
        )
        for letter, body in raw["sections"].items()
    )
    return Classification(edition=raw["edition"], sections=sections)


@cache
def _division_sections() -> dict[str, str]:
    return classification().division_sections


def industry_code_problem(code: str) -> tuple[str, str] | None:
    """None for a code of the classification, else (rule, message)."""
    shape = CODE.match(code)
    if shape is None:
        return (
            "industry_code_format",
            f"{code!r} is not a section letter A to T followed by 2 to 4 digits (e.g. G5430)",
        )
    section, division, _ = shape.groups()
    owner = _division_sections().get(division)
    if owner is None:
        return "industry_code_known", f"division {division} is not in GB/T 4754-2017"
    if owner != section:
        return (
            "industry_code_known",
            f"division {division} belongs to section {owner}, not {section}",
        )
    return None


def within(code: str, prefixes: frozenset[str]) -> bool:
    """Whether the code falls under one of the prefixes (a section "G", a division "G54",
    a group "G543"): how a policy names whole branches of the classification."""
    return any(code.startswith(prefix) for prefix in prefixes)
