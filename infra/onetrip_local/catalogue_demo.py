"""A demo list of abolished proofs for the catalogue import (`onetrip catalogue-demo`).

Invented, not a real list: plausible names (subject + kind of proof), former issuers
(district + department), bases and replacements, drawn from a seeded generator so the
same seed and row count always give the same file. Every row is a valid import line, and
no two rows share a name at one issuer.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator

from onetrip.domain.catalogue import CSV_COLUMNS

DISTRICTS = (
    "海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "奉化区", "余姚市", "慈溪市", "宁海县",
    "象山县",
)  # fmt: skip
DEPARTMENTS = (
    "公安分局", "派出所", "民政局", "人力社保局", "卫生健康局", "教育局", "市场监管局",
    "住建局", "自然资源局", "街道办事处", "社区居委会", "税务局", "医疗保障局",
)  # fmt: skip
# Subject of the proof, and the credential that replaces it where the wallet has one.
SUBJECTS: tuple[tuple[str, str | None], ...] = (
    ("户籍", "household_proof"), ("无犯罪记录", "no_criminal_record"),
    ("亲属关系", "kinship_proof"), ("居住", "residence_permit"), ("身份", "resident_id"),
    ("驾驶资格", "driving_licence"), ("户口迁移", "household_register"),
    ("出生", None), ("死亡", None), ("婚姻状况", None), ("收入", None), ("就业", None),
    ("失业", None), ("住房困难", None), ("低保", None), ("残疾", None), ("独生子女", None),
    ("学历", None), ("健康状况", None), ("房屋产权", None), ("火灾事故", None),
    ("交通事故", None), ("社保缴纳", None), ("纳税", None), ("个体经营", None),
    ("无违法", None), ("在校", None), ("退役", None), ("抚养关系", None), ("赡养关系", None),
)  # fmt: skip
QUALIFIERS = ("", "遗失", "补办", "变更", "同一人", "临时", "农村", "境外")
KINDS = ("证明", "情况证明", "核实证明", "登记证明", "情况说明", "证明材料")
FALLBACKS = ("data_sharing", "declaration", "none")
FIRST_YEAR, LAST_YEAR = 2018, 2025


def rows(count: int, seed: int = 0) -> Iterator[tuple[str, ...]]:
    """`count` distinct rows (at most len(DISTRICTS) * len(DEPARTMENTS) * names)."""
    names = [
        (f"{qualifier}{subject}{kind}", credential)
        for subject, credential in SUBJECTS
        for qualifier in QUALIFIERS
        for kind in KINDS
    ]
    issuers = [f"{d}{p}" for d in DISTRICTS for p in DEPARTMENTS]
    space = len(names) * len(issuers)
    if not 0 <= count <= space:
        raise ValueError(f"the demo list has at most {space} distinct rows")
    rng = random.Random(seed)
    for index in rng.sample(range(space), count):
        name, credential = names[index % len(names)]
        issuer = issuers[index // len(names)]
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        abolished_at = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        batch = rng.randint(1, 9)
        basis = f"宁波市关于公布第{batch}批取消的证明事项清单的通知（甬政办发〔{year}〕{batch}号）"
        if credential is not None and rng.random() < 0.6:
            replacement, credential_type = "credential", credential
        else:
            replacement, credential_type = rng.choice(FALLBACKS), ""
        yield (name, issuer, abolished_at, basis, replacement, credential_type)


def csv_text(count: int, seed: int = 0) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows(count, seed))
    return buffer.getvalue()
