"""Evidence documents: names by category, and sizes and hashes of generated content."""

from __future__ import annotations

import hashlib
import random
from typing import Any

COMMON = (
    "application-form.pdf",
    "business-licence.pdf",
    "tax-payment-certificate-2025.pdf",
    "authenticity-commitment-signed.pdf",
)
BY_CATEGORY = {
    "quality_brand": ("award-certificate.pdf", "award-announcement.pdf"),
    "standard": ("standard-text.pdf", "foreword-drafting-units.pdf"),
    "pilot_project": ("pilot-approval.pdf", "acceptance-certificate.pdf"),
    "standard_adoption": ("adoption-declaration.pdf", "conformity-assessment-report.pdf"),
}


def documents(owner: str, claim: dict[str, Any], missing: str | None) -> list[dict[str, Any]]:
    """The filing's documents, all but `missing`; the same owner and claim, the same bytes."""
    names = BY_CATEGORY[claim["category"]] + COMMON
    return [_document(owner, claim, name) for name in names if name != missing]


def _document(owner: str, claim: dict[str, Any], name: str) -> dict[str, Any]:
    return generated(f"{owner}|{sorted(claim.items())}|{name}", name)


def generated(seed: str, name: str) -> dict[str, Any]:
    """A document as a filing lists it (name, size, SHA-256), its bytes drawn from `seed`."""
    rng = random.Random(seed)
    content = b"%PDF-1.7\n" + rng.randbytes(rng.randrange(20_000, 600_000))
    return {"name": name, "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
