"""The demo's enterprises: service firms of Yuzhong District, Chongqing, and their codes."""

from __future__ import annotations

import random
from dataclasses import dataclass

from shared.rules.credit_code import ALPHABET, check_character

YUZHONG = "500103"
YUBEI = "500112"  # a neighbouring district: its firms are not this program's to fund


@dataclass(frozen=True)
class Firm:
    key: str  # also the firm's mail domain
    short_name: str
    industry: str  # in the firm's own words
    industry_code: str  # GB/T 4754-2017's class: what policies from 2026.4 rank by
    region: str = YUZHONG

    @property
    def name(self) -> str:
        return f"Chongqing {self.short_name} Co., Ltd."


FIRMS = {
    firm.key: firm
    for firm in [
        Firm("jfb-coldchain", "Jiefangbei Cold Chain Logistics", "logistics", "G5432"),
        Firm("cyb-fresh", "Caiyuanba Fresh Supply Chain", "logistics", "G5930"),
        Firm("ctm-culture", "Chaotianmen Cultural Tourism", "cultural tourism", "L7291"),
        Firm("lj-cruise", "Liangjiang Night Cruise", "all-region tourism", "G5522"),
        Firm("hyd-scenic", "Hongyadong Scenic Area Operation", "all-region tourism", "N7861"),
        Firm("kanghua-med", "Yuzhong Kanghua Medical Services", "medical services", "Q8421"),
        Firm("renhe-clinic", "Daping Renhe Outpatient Clinic", "medical services", "Q8423"),
        Firm("sqs-anyang", "Shangqingsi Anyang Elderly Care", "elderly care", "Q8514"),
        Firm("huimin-care", "Yuzhong Huimin Home Care Services", "elderly care", "Q8521"),
        Firm(
            "anju-property", "Jiefangbei Anju Property Management", "property management", "K7020"
        ),
        Firm("eling-jiayuan", "Eling Jiayuan Property Services", "property management", "K7020"),
        Firm("huazhi-test", "Huazhi Inspection and Testing", "inspection and testing", "M7452"),
        Firm("zhengxin-cert", "Yuzhong Zhengxin Certification", "inspection and testing", "M7455"),
        Firm("jfb-findata", "Jiefangbei Financial Data Services", "modern finance", "J6940"),
        Firm("yinfu-pay", "Yuzhong Yinfu Payment Technology", "modern finance", "J6930"),
        Firm("changan-ins", "Chang'an Insurance Brokerage", "banking and insurance", "J6851"),
        Firm("huixin-lease", "Yuzhong Huixin Financial Leasing", "banking and insurance", "J6631"),
        Firm("meimei-store", "Jiefangbei Meimei Department Store", "high-end commerce", "F5211"),
        Firm("llk-youxuan", "Lianglukou Youxuan E-commerce", "e-commerce", "F5292"),
        Firm("yunshu-net", "Eling Yunshu Internet Technology", "internet services", "I6490"),
        Firm(
            "zhongcheng-cpa",
            "Zhongcheng Certified Public Accountants",
            "professional services",
            "L7241",
        ),
        Firm("rencai-hr", "Yuzhong Rencai Human Resources", "professional services", "L7269"),
        Firm("jiuyuan-rescue", "Yuzhong Jiuyuan Emergency Rescue", "emergency management", "O8290"),
        Firm("xte-hotpot", "Xiaotianer Hotpot Catering", "catering", "H6210"),
        Firm("shancheng-hotel", "Jiefangbei Shancheng Hotel Management", "hospitality", "H6110"),
        Firm(
            "zhixing-edu", "Yuzhong Zhixing Vocational Training", "education and training", "P8391"
        ),
        Firm("zhitong-park", "Yuzhong Zhitong Smart Parking", "parking services", "O8090"),
        Firm("eling-expo", "Eling Exhibition Services", "conventions and exhibitions", "L7289"),
        Firm("jiajie-home", "Yuzhong Jiajie Housekeeping", "domestic services", "O8010"),
        Firm("konggang-log", "Konggang Airport Logistics", "logistics", "G5920", YUBEI),
    ]
}


def credit_codes(salt: str) -> dict[str, str]:
    """A fresh, valid, distinct code per firm, drawn from `salt`."""
    # Fresh, so no earlier run's awards cap or supersede this round's claims.
    rng = random.Random(salt)
    codes: dict[str, str] = {}
    while len(codes) < len(FIRMS):
        key = list(FIRMS)[len(codes)]
        body = "91" + FIRMS[key].region + organisation_code(rng)
        if body not in {code[:17] for code in codes.values()}:
            codes[key] = body + check_character(body)
    return codes


def organisation_code(rng: random.Random, prefix: str = "MA") -> str:
    """A post-2015 organisation code, `prefix` ("MA" for a firm, "MJ" for a social
    organisation) and six characters, with its GB 11714 check."""
    body = prefix + "".join(rng.choices(ALPHABET, k=6))
    total = sum(int(char, 36) * w for char, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))
