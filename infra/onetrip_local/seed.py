"""`onetrip local --seed`: a small demo city, loaded over the HTTP API like any client.

Six residents of Ningbo (宁波) with their agency records, one identity change waiting for
approval and one approved (its linked updates run as the runtime starts), and two
petitions: one waiting at triage, one at rectification with its handling unit.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import date
from typing import Any

from onetrip.domain.id_number import check_character
from onetrip.routing import HELD_FIELDS, Agency

from onetrip_local.tokens import mint

REGION = "330203"  # 宁波市海曙区
UNIT = "海曙分局"

RESIDENTS = [
    # surname, given name, gender, birth date, ethnicity, sequence, agencies holding records
    ("王", "小明", "male", date(1990, 3, 7), "汉族", 101, list(Agency)),
    ("陈", "静", "female", date(1985, 11, 21), "汉族", 102, list(Agency)),
    ("马", "建国", "male", date(1962, 5, 1), "回族", 103, [Agency.SOCIAL_SECURITY, Agency.WATER]),
    ("林", "晓", "female", date(2008, 9, 10), "汉族", 104, [Agency.STUDENT_ROLL, Agency.GAS]),
    ("赵", "磊", "male", date(1978, 2, 14), "满族", 105, [Agency.DRIVING_LICENCE]),
    ("周", "敏", "female", date(1995, 7, 30), "汉族", 106, [Agency.EXIT_ENTRY, Agency.ELECTRICITY]),
]


def id_number(birth: date, gender: str, sequence: int) -> str:
    """GB 11643: region, birth date, sequence code (odd for men), check character."""
    code = sequence * 2 + (1 if gender == "male" else 0)
    body = f"{REGION}{birth:%Y%m%d}{code:03d}"
    return body + check_character(body)


class _Client:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, role: str, body: Any = None) -> Any:
        token = mint([role], sub=f"seed-{role}")
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"seed: {method} {path} → {error.code} {error.read()!r}") from None

    def open_task(self, petition_id: str, step: str) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            petition = self.call("GET", f"/petitions/{petition_id}", "petition_office")
            for entry in petition["steps"]:
                if entry["step"] == step and entry["status"] == "open":
                    return str(entry["taskId"])
            time.sleep(0.3)
        raise RuntimeError(f"seed: the {step} task of {petition_id} did not open")

    def complete(self, petition_id: str, step: str, role: str, body: Any) -> None:
        task_id = self.open_task(petition_id, step)
        self.call("POST", f"/tasks/{task_id}/completion", role, body)


def seed(url: str) -> None:
    client = _Client(url)
    persons = []
    for surname, given, gender, birth, ethnicity, sequence, agencies in RESIDENTS:
        number = id_number(birth, gender, sequence)
        person = client.call("POST", "/persons", "registrar", {
            "idNumber": number, "surname": surname, "givenName": given, "gender": gender,
            "birthDate": birth.isoformat(), "ethnicity": ethnicity, "district": "海曙区",
        })  # fmt: skip
        persons.append(person)
        for agency in agencies:
            record = {f.value: person[f.value] for f in HELD_FIELDS[agency]}
            record["reference"] = f"{agency.value.upper()}-{sequence}"
            client.call("PUT", f"/agencies/{agency.value}/records", "registrar", record)

    window = {"district": "海曙区", "counter": "A3"}
    waiting = {"idNumber": persons[1]["idNumber"], "kind": "change", "window": window,
               "changes": {"givenName": "静怡"}, "reason": "本人申请变更名字"}  # fmt: skip
    client.call("POST", "/identity-changes", "clerk", waiting)
    approved = {"idNumber": persons[0]["idNumber"], "kind": "correction", "window": window,
                "changes": {"surname": "汪"}, "reason": "户籍登记错误更正"}  # fmt: skip
    application = client.call("POST", "/identity-changes", "clerk", approved)
    client.call("POST", f"/identity-changes/{application['applicationId']}/decision",
                "approver", {"decision": "approve", "comment": "核实无误"})  # fmt: skip

    def petition(person: dict[str, Any], subject: str) -> str:
        created = client.call("POST", "/petitions", "petition_office", {
            "petitioner": {"name": person["surname"] + person["givenName"],
                           "idNumber": person["idNumber"], "phone": "13800138000"},
            "category": "law_enforcement", "subject": subject,
            "content": f"{subject}，请求调查处理。", "channel": "visit", "district": "海曙区",
        })  # fmt: skip
        return str(created["petitionId"])

    petition(persons[2], "派出所对邻里纠纷处理不及时")
    advanced = petition(persons[4], "交通事故认定程序有异议")
    review = {"scores": {"handling": 80, "implementation": 75, "replyQuality": 82},
              "passed": True, "findings": "执法程序基本规范"}  # fmt: skip
    accept = {"accepted": True, "handlingUnit": UNIT, "summary": "属公安职权，受理"}
    instruct = {"instruction": "请海曙分局限期复核", "handlingUnit": UNIT, "dueDays": 20}
    client.complete(advanced, "triage", "petition_office", accept)
    client.complete(advanced, "enforcement_review", "petition_office", review)
    client.complete(advanced, "leader_instruction", "leader", instruct)
    client.open_task(advanced, "rectification")
