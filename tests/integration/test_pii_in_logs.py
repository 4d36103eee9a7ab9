"""No personal data in any log line, at INFO (as deployed) and at DEBUG (as an operator
would switch it on to troubleshoot): the functions' Powertools loggers and everything the
libraries below them log (botocore's wire logging, Powertools' resolver internals).

The scan looks for any 18-character GB 11643 shape, not only the numbers the test used,
and for the names and phone numbers the test typed in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from tests.builders import claims, id_number, unique_birth
from tests.support.identity_flow import IdentityDesk
from tests.support.petitions import (
    PetitionDesk,
    petition_body,
)

# Six digits of region, eight of birth date, three of sequence, a check character.
ID_NUMBER_SHAPE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{9}[0-9Xx](?![0-9A-Za-z])")
# Loggers whose level a DEBUG run lowers besides the root (they set their own level).
SERVICE_LOGGERS = ("onetrip",)


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self._formatter = LambdaPowertoolsFormatter()

    def filter(self, record: logging.LogRecord) -> bool:  # type: ignore[override]
        # Powertools adds a filter to every root handler that drops its own loggers'
        # records (they have their own handler): this one must see them all.
        return True

    def emit(self, record: logging.LogRecord) -> None:
        # As Powertools writes it in Lambda, plus the plain message for library records.
        try:
            self.lines.append(f"{record.name} {self._formatter.format(record)}")
        except Exception as error:
            self.lines.append(f"UNFORMATTED {record.name} {record.getMessage()} {error!r}")


@pytest.fixture(params=[logging.INFO, logging.DEBUG], ids=["INFO", "DEBUG"])
def all_logs(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Every record any logger emits during the test, at the parametrized level."""
    handler = _Everything()
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in SERVICE_LOGGERS)]
    saved = [(lg, lg.level) for lg in loggers]
    root = logging.getLogger()
    root.addHandler(handler)
    for lg in loggers:
        lg.setLevel(request.param)
    # Records of loggers that do not propagate (Powertools' own) reach the handler too.
    quiet = [lg for lg in _all_loggers() if not lg.propagate]
    for lg in quiet:
        lg.addHandler(handler)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        for lg in quiet:
            lg.removeHandler(handler)
        for lg, level in saved:
            lg.setLevel(level)


def _all_loggers() -> list[logging.Logger]:
    return [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]


def test_a_chain_change_and_a_petition_log_no_personal_data(
    cloud: Any,
    all_logs: list[str],
) -> None:
    # Given a person known to all seven agencies, whose birth date (and so number) changes
    identity = IdentityDesk(cloud)
    person = identity.register(surname="欧阳", givenName="娜娜", gender="female")
    identity.seed_records(person)
    new_birth = unique_birth()
    approved = identity.change(person, {"givenName": "丽娜", "birthDate": new_birth.isoformat()})
    cloud.deliver()
    changed = identity.person(person["personId"])
    assert changed["idNumber"] != person["idNumber"]
    assert identity.application(approved["applicationId"])["status"] == "completed"
    identity.submit(changed, {"surname": "欧阳"})  # a refused form (nothing changes): 422

    # And a petition registered, triaged and read by several roles
    petitions = PetitionDesk(cloud)
    petitioner = {"name": "司马相如", "idNumber": id_number(unique_birth()), "phone": "13512345678"}
    pid = petitions.register(petitioner=petitioner)["petitionId"]
    petitions.triage(pid)
    petitions.wait_for_task(pid, "enforcement_review")
    petitions.petition(pid, claims("leader"))
    refused = petition_body(petitioner={**petitioner, "phone": "1"})  # a 422 path
    cloud.api("POST", "/petitions", body=refused, claims=claims("petition_office"))
    cloud.fire_schedule("ReminderSweep", datetime.now(UTC) + timedelta(days=30))
    cloud.api("POST", "/petitions/search", body={"petitionerIdNumber": petitioner["idNumber"]},
              claims=claims("petition_office"))  # fmt: skip

    # Then the logs are there, and none carries a number, a name or a phone
    text = "\n".join(all_logs)
    assert "linked update settled" in text and "task opened" in text
    leaks = [line[:300] for line in all_logs if ID_NUMBER_SHAPE.search(line)]
    assert leaks == []
    for typed in ("欧阳", "娜娜", "丽娜", "司马相如", "13512345678"):
        assert typed not in text, typed


def test_a_verification_and_a_shared_proof_log_no_personal_data(
    cloud: Any, all_logs: list[str]
) -> None:
    from tests.support.verification_flow import HOTEL_CLAIMS, VenueDesk, present, send
    from tests.support.wallet_flow import Wallet, citizen, holder_key

    # Given a hotel that verifies a citizen and reads the disclosed name and number
    person = IdentityDesk(cloud).register(surname="上官", givenName="婉儿", gender="female")
    key, jwk = holder_key()
    credential = Wallet(cloud).issued(person, holderJwk=jwk)["credential"]
    hotel = VenueDesk.register(cloud, "hotel", "日志宾馆")
    request = hotel.asked()
    shown = present(key, credential, HOTEL_CLAIMS, aud=request["audience"], nonce=request["nonce"])
    assert send(cloud, request["verificationId"], citizen(person), shown).json["status"] == (
        "verified"
    )
    assert hotel.result(request["verificationId"]).json["claims"]["surname"] == "上官"
    # And an agency that is shared a proof about them; and the citizen reads their log
    body = {"type": "household_proof", "idNumber": person["idNumber"], "purpose": "核查",
            "legalBasis": "依法"}  # fmt: skip
    shared = cloud.api("POST", "/proof-requests", body=body, claims=claims("agency", agency="gas"))
    assert shared.status == 201
    assert cloud.api("GET", "/credentials/activity", claims=citizen(person)).status == 200

    # Then no log line carries the number or the name
    text = "\n".join(all_logs)
    assert "presentation verified" in text
    assert [line[:300] for line in all_logs if ID_NUMBER_SHAPE.search(line)] == []
    for typed in ("上官", "婉儿"):
        assert typed not in text, typed
