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
    industry: str
    region: str = YUZHONG

    @property
    def name(self) -> str:
        return f"Chongqing {self.short_name} Co., Ltd."


FIRMS = {
    firm.key: firm
    for firm in [
        Firm("jfb-coldchain", "Jiefangbei Cold Chain Logistics", "logistics"),
        Firm("cyb-fresh", "Caiyuanba Fresh Supply Chain", "logistics"),
        Firm("ctm-culture", "Chaotianmen Cultural Tourism", "cultural tourism"),
        Firm("lj-cruise", "Liangjiang Night Cruise", "all-region tourism"),
        Firm("hyd-scenic", "Hongyadong Scenic Area Operation", "all-region tourism"),
        Firm("kanghua-med", "Yuzhong Kanghua Medical Services", "medical services"),
        Firm("renhe-clinic", "Daping Renhe Outpatient Clinic", "medical services"),
        Firm("sqs-anyang", "Shangqingsi Anyang Elderly Care", "elderly care"),
        Firm("huimin-care", "Yuzhong Huimin Home Care Services", "elderly care"),
        Firm("anju-property", "Jiefangbei Anju Property Management", "property management"),
        Firm("eling-jiayuan", "Eling Jiayuan Property Services", "property management"),
        Firm("huazhi-test", "Huazhi Inspection and Testing", "inspection and testing"),
        Firm("zhengxin-cert", "Yuzhong Zhengxin Certification", "inspection and testing"),
        Firm("jfb-findata", "Jiefangbei Financial Data Services", "modern finance"),
        Firm("yinfu-pay", "Yuzhong Yinfu Payment Technology", "modern finance"),
        Firm("changan-ins", "Chang'an Insurance Brokerage", "banking and insurance"),
        Firm("huixin-lease", "Yuzhong Huixin Financial Leasing", "banking and insurance"),
        Firm("meimei-store", "Jiefangbei Meimei Department Store", "high-end commerce"),
        Firm("llk-youxuan", "Lianglukou Youxuan E-commerce", "e-commerce"),
        Firm("yunshu-net", "Eling Yunshu Internet Technology", "internet services"),
        Firm("zhongcheng-cpa", "Zhongcheng Certified Public Accountants", "professional services"),
        Firm("rencai-hr", "Yuzhong Rencai Human Resources", "professional services"),
        Firm("jiuyuan-rescue", "Yuzhong Jiuyuan Emergency Rescue", "emergency management"),
        Firm("xte-hotpot", "Xiaotianer Hotpot Catering", "catering"),
        Firm("shancheng-hotel", "Jiefangbei Shancheng Hotel Management", "hospitality"),
        Firm("zhixing-edu", "Yuzhong Zhixing Vocational Training", "education and training"),
        Firm("zhitong-park", "Yuzhong Zhitong Smart Parking", "parking services"),
        Firm("eling-expo", "Eling Exhibition Services", "conventions and exhibitions"),
        Firm("jiajie-home", "Yuzhong Jiajie Housekeeping", "domestic services"),
        Firm("konggang-log", "Konggang Airport Logistics", "logistics", YUBEI),
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
