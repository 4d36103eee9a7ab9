"""A partner city (跨市通办, issue 10): Ningbo registers a change for a person whose records
Zhoushan holds (registry district 普陀区). Both cities are the same app as two stages and
stacks; Ningbo's rule forwards the notification to Zhoushan's bus (moto delivers an
event-bus target itself), Zhoushan's PartnerInbox pulls the values with its own claims,
mirrors them into its agencies' records and acknowledges; the application completes only
then. Expected values come from the registry and API.md.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from onetrip.dal.activity import ActivityLog
from onetrip.dal.agency_notifications import Notification, NotificationStore
from onetrip.dal.partner_api import PartnerApi
from onetrip.routing import Agency
from onetrip_local.apigw import ApiResult, HttpRequest
from onetrip_local.harness import LocalCloud
from onetrip_local.server import LocalHttpServer
from onetrip_local.tokens import mint

from tests.builders import AGENCY_FIELDS, REGISTRAR, claims
from tests.partners import (
    ACK_DEADLINE_MINUTES,
    BUS_NAME,
    HOME_DISTRICT,
    PARTNER,
    PARTNER_DISTRICT,
    PartnerLink,
    plug_partner_api,
    start_cities,
)
from tests.support.identity_flow import IdentityDesk

PARTY = f"partner:{PARTNER}"
# What the partner's records are kept in here: two of its agencies hold the person.
PARTNER_AGENCIES = (Agency.SOCIAL_SECURITY, Agency.WATER)
NOTIFICATION_KEYS = {"notificationId", "applicationId", "agency", "changedFields",
                     "registryVersion", "delivery", "schemaVersion"}  # fmt: skip


@pytest.fixture(scope="module")
def cities() -> Iterator[tuple[LocalCloud, LocalCloud]]:
    home, partner = start_cities()
    yield home, partner
    partner.stop()
    home.stop()


@pytest.fixture
def link(cities: tuple[LocalCloud, LocalCloud], monkeypatch: pytest.MonkeyPatch) -> PartnerLink:
    found = PartnerLink(cities[0], PARTNER)
    plug_partner_api(monkeypatch, found)
    return found


@dataclass
class Change:
    home: LocalCloud
    partner: LocalCloud
    desk: IdentityDesk
    person: dict[str, Any]
    application_id: str

    def application(self) -> dict[str, Any]:
        return self.desk.application(self.application_id)

    def notification(self) -> Notification:
        store = NotificationStore(self.home.table("Applications"))
        far = (datetime.now(UTC) + timedelta(days=3650)).strftime("%Y-%m-%dT%H:%M:%SZ")
        (found,) = [n for n in store.due(by=far) if n.application_id == self.application_id]
        return found

    def partner_record(self, agency: Agency) -> dict[str, Any]:
        registry = self.desk.person(self.person["personId"])
        found = self.partner.api(
            "POST",
            f"/agencies/{agency}/records/lookup",
            body={"idNumber": registry["idNumber"]},
            claims=REGISTRAR,
        )
        assert found.status == 200, found.json
        return dict(found.json)

    def timeline(self) -> list[str]:
        return [entry["event"] for entry in self.application()["timeline"]]


def _change(
    cities: tuple[LocalCloud, LocalCloud],
    district: str = PARTNER_DISTRICT,
    partner_agencies: tuple[Agency, ...] = PARTNER_AGENCIES,
) -> Change:
    """A person of `district`, held by every Ningbo agency and (by default) two Zhoushan
    agencies, changes surname; Ningbo's own linked updates are delivered."""
    home, partner = cities
    desk = IdentityDesk(home)
    person = desk.register(district=district)
    desk.seed_records(person)
    if partner_agencies:
        IdentityDesk(partner).seed_records(person, list(partner_agencies))
    application = desk.change(person, {"surname": "欧阳"})
    report = home.deliver()
    assert not report.errors, report.errors[0]
    return Change(home, partner, desk, person, application["applicationId"])


def _inbox(partner: LocalCloud) -> list[dict[str, Any]]:
    """The events waiting in the partner's inbox (left there: visible again at once)."""
    sqs = partner.boto("sqs")
    url = partner.queue_url("PartnerInboxQueue")
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [json.loads(m["Body"]) for m in found.get("Messages", [])]


def test_the_template_names_the_bus_the_cities_forward_to(
    cities: tuple[LocalCloud, LocalCloud],
) -> None:
    for cloud in cities:
        assert cloud.template["Resources"]["OnetripBus"]["Properties"]["Name"] == BUS_NAME


def test_the_partner_pulls_mirrors_and_acknowledges_and_the_application_completes(
    cities: tuple[LocalCloud, LocalCloud], link: PartnerLink
) -> None:
    change = _change(cities)
    # Given Ningbo's own linked updates settled, the partner's waits, notified
    waiting = change.application()
    assert waiting["status"] == "applying"
    assert change.desk.links(waiting)[PARTY] == "notified"
    assert all(s == "applied" for a, s in change.desk.links(waiting).items() if a != PARTY)
    # When the notification reaches Zhoushan's bus and its inbox runs
    (event,) = _inbox(change.partner)
    report = change.partner.deliver()
    assert not report.errors, report.errors[0]
    assert report.records[change.partner.function("PartnerInbox").logical_id] == 1
    assert link.calls == [("lookup", 200), ("ack", 200)]
    # Then the application is completed, the partner's link applied, each entry once
    done = change.application()
    assert done["status"] == "completed"
    assert change.desk.links(done)[PARTY] == "applied"
    events = change.timeline()
    assert events.count(f"notified:{PARTY}") == 1
    assert events.count(f"acknowledged:{PARTY}") == 1
    assert events[-1] == "completed"
    # and Zhoushan's agencies' records equal the registry in the fields each holds
    registry = change.desk.person(change.person["personId"])
    for agency in PARTNER_AGENCIES:
        record = change.partner_record(agency)
        held = AGENCY_FIELDS[agency]
        assert {f: record[f] for f in held} == {f: registry[f] for f in held}
    # and the event that crossed carried ids and field names only
    assert event["detail-type"] == "AgencyNotificationDue"
    assert set(event["detail"]) == NOTIFICATION_KEYS
    assert event["detail"]["agency"] == PARTY
    assert event["detail"]["changedFields"] == ["surname"]
    text = json.dumps(event, ensure_ascii=False)
    for value in (registry["surname"], registry["givenName"], registry["idNumber"],
                  change.person["idNumber"], PARTNER_DISTRICT):  # fmt: skip
        assert value not in text


def test_the_partners_pull_lands_in_the_citizens_activity_log(
    cities: tuple[LocalCloud, LocalCloud], link: PartnerLink
) -> None:
    change = _change(cities)
    change.partner.deliver()
    entries = ActivityLog(change.home.table("Registry")).of_person(change.person["personId"])
    (pull,) = entries
    assert (pull["party"], pull["partyKind"], pull["type"], pull["result"]) == (
        PARTY, "partner_city", "linked_update_pull", "disclosed")  # fmt: skip
    assert pull["claims"] == sorted([*AGENCY_FIELDS[Agency.SOCIAL_SECURITY], "formerIdNumbers"])
    assert pull["reference"].startswith("ntf")
    # and the citizen reads it in their activity log
    citizen = claims("citizen", idNumber=change.person["idNumber"])
    shown = change.home.api("GET", "/credentials/activity", claims=citizen).json
    assert [(e["party"], e["partyKind"], e["type"]) for e in shown] == [
        (PARTY, "partner_city", "linked_update_pull")
    ]


def test_a_partner_holding_no_record_acknowledges_not_applicable(
    cities: tuple[LocalCloud, LocalCloud], link: PartnerLink
) -> None:
    change = _change(cities, partner_agencies=())
    change.partner.deliver()
    done = change.application()
    assert done["status"] == "completed"
    assert change.desk.links(done)[PARTY] == "not_applicable"
    assert change.timeline().count(f"acknowledged:{PARTY}") == 1


def test_a_duplicate_cross_city_event_and_a_repeated_ack_are_applied_once(
    cities: tuple[LocalCloud, LocalCloud], link: PartnerLink
) -> None:
    change = _change(cities)
    # Given the notification delivered twice to the partner's bus (EventBridge is
    # at-least-once), both copies waiting in the inbox
    (event,) = _inbox(change.partner)
    change.partner.boto("events").put_events(Entries=[{
        "Source": event["source"], "DetailType": event["detail-type"],
        "Detail": json.dumps(event["detail"]), "EventBusName": change.partner.bus_name,
    }])  # fmt: skip
    assert len(_inbox(change.partner)) == 2
    # When both are delivered
    report = change.partner.deliver()
    assert not report.errors, report.errors[0]
    # Then one pull and one ack; the second copy finds the notification settled (409)
    assert link.calls == [("lookup", 200), ("ack", 200), ("lookup", 409)]
    done = change.application()
    assert done["status"] == "completed"
    assert change.timeline().count(f"acknowledged:{PARTY}") == 1
    assert change.timeline().count("completed") == 1
    # When the partner's system repeats its acknowledgement: 409, nothing changes
    notification_id = event["detail"]["notificationId"]
    repeated = change.home.api(
        "POST", f"/agencies/{PARTY}/changes/{notification_id}/ack", body={"result": "applied"},
        claims=claims("agency", agency=PARTY),
    )  # fmt: skip
    assert repeated.status == 409, repeated.json
    assert change.timeline() == [e["event"] for e in done["timeline"]]
    pulls = ActivityLog(change.home.table("Registry")).of_person(change.person["personId"])
    assert len(pulls) == 1


def test_the_partner_down_loses_nothing_and_completes_after_the_reminder(
    cities: tuple[LocalCloud, LocalCloud], link: PartnerLink
) -> None:
    # Given Zhoushan cannot reach Ningbo's API while the notification arrives
    link.down = True
    change = _change(cities)
    report = change.partner.deliver()
    # Then the inbox retries and gives the notification up to its DLQ,
    assert report.failures[change.partner.function("PartnerInbox").logical_id] == 5
    dlq = change.partner.boto("sqs").receive_message(
        QueueUrl=change.partner.queue_url("PartnerDeadLetters"), MaxNumberOfMessages=10
    )
    assert len(dlq.get("Messages", [])) == 1
    # but Ningbo's linked update waits, notified (nothing lost, nothing failed)
    waiting = change.application()
    assert waiting["status"] == "applying"
    assert change.desk.links(waiting)[PARTY] == "notified"
    # When Zhoushan is back: before the deadline nothing is re-sent
    link.down = False
    assert change.home.fire_schedule("AcknowledgementSweep", datetime.now(UTC)) == {"reminded": 0}
    # after it, one reminder crosses, and Zhoushan catches up
    late = datetime.now(UTC) + timedelta(minutes=ACK_DEADLINE_MINUTES + 1)
    assert change.home.fire_schedule("AcknowledgementSweep", late)["reminded"] >= 1
    change.home.deliver()
    change.partner.deliver()
    done = change.application()
    assert done["status"] == "completed"
    assert change.desk.links(done)[PARTY] == "applied"
    assert change.timeline().count(f"reminded:{PARTY}") == 1
    registry = change.desk.person(change.person["personId"])
    assert change.partner_record(Agency.WATER)["surname"] == registry["surname"]


def test_a_person_of_a_home_district_gets_no_partner_update(
    cities: tuple[LocalCloud, LocalCloud], link: PartnerLink
) -> None:
    change = _change(cities, district=HOME_DISTRICT)
    done = change.application()
    assert done["status"] == "completed"
    assert PARTY not in change.desk.links(done)
    assert _inbox(change.partner) == []


def test_only_the_partners_own_system_may_pull_its_notification(
    cities: tuple[LocalCloud, LocalCloud], link: PartnerLink
) -> None:
    link.down = True  # the partner does not settle it: the notification stays open
    change = _change(cities)
    change.partner.deliver()
    notification = change.notification().notification_id

    def pull(path: str, caller: str) -> int:
        return change.home.api("POST", f"/agencies/{path}/changes/lookup",
                               body={"notificationId": notification},
                               claims=claims("agency", agency=caller)).status  # fmt: skip

    assert pull(PARTY, "water") == 403
    assert pull("water", "water") == 404
    assert pull("partner:hangzhou", "partner:hangzhou") == 404
    assert pull(PARTY, PARTY) == 200


def test_the_partner_api_client_gets_a_token_once_and_pulls_and_acks_over_http(
    cities: tuple[LocalCloud, LocalCloud], link: PartnerLink
) -> None:
    """dal.partner_api as PartnerInbox uses it in AWS: the client-credentials grant at the
    partner's identity provider, then the sender's API over HTTP with a verified JWT."""
    link.down = True  # the inbox leaves the notification open for this client
    change = _change(cities)
    change.partner.deliver()
    notification = change.notification().notification_id
    grants: list[str] = []

    def identity_provider(request: HttpRequest) -> ApiResult:
        basic = base64.b64encode(b"zhoushan-client:s3cret").decode()
        if request.path != "/_local/token" or request.headers.get("authorization") != (
            f"Basic {basic}"
        ):
            return ApiResult(401, {}, b"")
        grants.append(request.path)
        token = mint(["agency"], sub=f"{PARTY}-system", agency=PARTY)
        body = json.dumps({"access_token": token, "token_type": "Bearer", "expires_in": 3600})
        return ApiResult(200, {"content-type": "application/json"}, body.encode())

    server = LocalHttpServer(0, change.home.serve, identity_provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    secret = f"onetrip/partners/test-{uuid.uuid4().hex[:8]}"
    change.home.boto("secretsmanager").create_secret(Name=secret, SecretString=json.dumps({
        "tokenUrl": f"{url}/_local/token", "clientId": "zhoushan-client",
        "clientSecret": "s3cret"}))  # fmt: skip
    try:
        api = PartnerApi(url, secret)
        status, values = api(
            "POST", f"/agencies/{PARTY}/changes/lookup", {"notificationId": notification}
        )
        assert status == 200, values
        registry = change.desk.person(change.person["personId"])
        assert values == {
            "notificationId": notification,
            "idNumber": registry["idNumber"],
            "formerIdNumbers": [],
            **{f: registry[f] for f in AGENCY_FIELDS[Agency.SOCIAL_SECURITY] if f != "idNumber"},
        }
        status, acked = api(
            "POST", f"/agencies/{PARTY}/changes/{notification}/ack", {"result": "applied"}
        )
        assert status == 200, acked
        assert len(grants) == 1  # the token is kept for the second call
        # a call without a valid token is refused by the JWT authorizer
        bad = PartnerApi(url, secret)
        bad._token = ("not-a-jwt", time.time() + 60)
        assert bad("POST", f"/agencies/{PARTY}/changes/lookup", {})[0] == 401
    finally:
        server.shutdown()
        server.server_close()
    assert change.application()["status"] == "completed"
