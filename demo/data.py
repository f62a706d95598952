"""The filings of the demo round: which firm claims what, and how review will go."""

from __future__ import annotations

from typing import Any

from .claims import Claims

P = {"role": "participant"}
R = {"work": "revision"}
S1, S2 = {"number": "GB/T 45210.1-{year}"}, {"number": "GB/T 45210.2-{year}"}


def claims(c: Claims) -> list[tuple[str, dict[str, Any]]]:
    """(firm key, claim) in the order they are filed; dates and numbers drawn from `c`."""
    std, brand, pilot, adopt = c.standard, c.brand, c.pilot, c.adoption
    return [
        ("jfb-coldchain", std("national", "Urban cold-chain distribution: general", **S1)),
        # Part 2 of the same series: one achievement with part 1, rewarded once.
        ("jfb-coldchain", std("national", "Urban cold-chain distribution: fresh produce", **S2)),
        ("jfb-coldchain", adopt("ISO 23412:2020", "Temperature-controlled parcel delivery")),
        ("cyb-fresh", std("industry", "Cold-chain warehouses of prepared dishes", "WB/T")),
        ("cyb-fresh", std("group", "Traceability of fresh produce in distribution", "CQWL", **P)),
        ("ctm-culture", brand("mayor_quality_award", "winner")),
        ("ctm-culture", std("local", "Immersive cultural and tourism blocks: services")),
        ("lj-cruise", pilot("municipal", "Night cruise services on the Yangtze and Jialing")),
        ("hyd-scenic", pilot("national", "Service standardization of Hongyadong scenic area")),
        ("hyd-scenic", adopt("ISO 14785:2014", "Visitor information and reception")),
        ("kanghua-med", brand("china_quality_award", "nominee")),
        ("kanghua-med", std("industry", "Outpatient appointment and triage", "WS/T", **P, **R)),
        ("renhe-clinic", adopt("ISO 15189:2022", "Clinical laboratory testing")),
        ("sqs-anyang", std("national", "Community elderly day-care centres: service quality")),
        ("sqs-anyang", pilot("national", "Home and community elderly care standardization")),
        ("huimin-care", std("local", "Meal assistance for elderly people living at home")),
        ("huimin-care", adopt("ISO 25550:2022", "Age-inclusive workforce in home care")),
        ("anju-property", brand("mayor_quality_award", "nominee")),
        ("anju-property", std("group", "Smart management of old residential compounds", "CQWY")),
        ("eling-jiayuan", pilot("municipal", "Property services for high-rise housing")),
        ("eling-jiayuan", adopt("ISO 41001:2018", "Facility management services")),
        ("huazhi-test", std("international", "Cold chain: temperature monitoring of foods", **P)),
        ("huazhi-test", std("national", "Indoor air of public venues: testing methods", **P)),
        ("zhengxin-cert", std("industry", "Certification of elderly care services", "RB/T")),
        ("zhengxin-cert", adopt("ISO/IEC 17025:2017", "Testing and calibration services")),
        ("jfb-findata", std("industry", "Data security of supply-chain finance", "JR/T", **P)),
        ("jfb-findata", adopt("ISO/IEC 27001:2022", "Financial data processing services")),
        ("yinfu-pay", std("group", "Cross-border payments of small merchants", "CQJR")),
        ("changan-ins", adopt("ISO 10002:2018", "Insurance claims complaint handling")),
        ("changan-ins", std("local", "Inclusive commercial health insurance services", **P)),
        ("huixin-lease", brand("district_quality_award", "winner")),
        ("meimei-store", brand("china_quality_award", "winner")),
        ("meimei-store", std("local", "Service specification for high-end commercial complexes")),
        ("llk-youxuan", std("national", "Live-streaming e-commerce: service specification", **R)),
        ("llk-youxuan", adopt("ISO 10008:2022", "Business-to-consumer online retail")),
        ("yunshu-net", pilot("municipal", "Online government services standardization")),
        ("yunshu-net", adopt("ISO/IEC 20000-1:2018", "Cloud hosting and IT operations")),
        ("zhongcheng-cpa", std("group", "Agreed-upon procedures on public funds", "CQKJ")),
        ("rencai-hr", std("local", "Service specification for flexible employment platforms")),
        ("jiuyuan-rescue", std("national", "Rescue in high-rise buildings: rescue teams", **P)),
        ("jiuyuan-rescue", pilot("municipal", "Community emergency response stations")),
        ("xte-hotpot", std("local", "Chongqing hotpot: code of practice for catering")),
        ("xte-hotpot", adopt("ISO 22000:2018", "Hotpot restaurants and central kitchen")),
        ("shancheng-hotel", brand("district_quality_award", "nominee", 2026)),
        ("shancheng-hotel", adopt("ISO 21401:2018", "Hotel accommodation services")),
        ("zhixing-edu", std("group", "Training services for elderly care workers", "CQZJ")),
        ("zhitong-park", std("local", "Service specification for public parking lots", **R)),
        ("eling-expo", adopt("ISO 20121:2012", "Exhibition and event management")),
        ("jiajie-home", std("group", "Maternity and infant care at home", "CQJZ", **P)),
        ("konggang-log", std("national", "Air cargo cold chain: handling of perishables")),
        ("ctm-culture", adopt("ISO 18513:2003", "Tourist accommodation services")),
    ]


# The first review of each application, by "firm key:category"; the rest are eligible.
REVIEWS: dict[str, dict[str, Any]] = {
    "kanghua-med:quality_brand": {
        "decision": "returned",
        "note": "The signed authenticity commitment is missing: attach it.",
        "missing": "authenticity-commitment-signed.pdf",
        "amend": {},
    },
    "sqs-anyang:standard": {
        "decision": "returned",
        "note": "The foreword names the Municipal Civil Affairs Research Institute first: "
        "you drafted as a participant, not the lead.",
        "amend": {"role": "participant"},
    },
    "yunshu-net:pilot_project": {
        "decision": "returned",
        "note": "The acceptance certificate is missing; the file holds the approval twice.",
        "missing": "acceptance-certificate.pdf",
        "amend": {},
    },
    "changan-ins:standard_adoption": {
        "decision": "returned",
        "note": "Attach proof of the tax paid in the district for 2025.",
        "missing": "tax-payment-certificate-2025.pdf",
    },
    "eling-jiayuan:pilot_project": {
        "decision": "ineligible",
        "reason": "evidence_missing",
        "note": "No acceptance certificate: the file holds only the 2024 approval.",
        "missing": "acceptance-certificate.pdf",
    },
    "llk-youxuan:standard": {
        "decision": "ineligible",
        "reason": "outside_period",
        "note": "The revision took effect on 2025-05-01; the date claimed is a reprint's.",
    },
    "zhitong-park:standard": {
        "decision": "ineligible",
        "reason": "dishonesty_list",
        "note": "On the serious-dishonesty list since 2024-03 (Credit China).",
    },
    "konggang-log:standard": {
        "decision": "ineligible",
        "reason": "not_in_district",
        "note": "Registered in Yubei District (500112), not in this district.",
    },
    "jiuyuan-rescue:pilot_project": {
        "withdraw": "Funded by the municipal emergency bureau already: no double funding.",
    },
}
