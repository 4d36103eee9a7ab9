"""Rotating a webhook agency's signing secret without a missed delivery (operations.md,
"Rotate a signing secret"). Water and gas in `webhook` mode; water's secret is rotated
with `onetrip ops rotate-webhook-secret` and changes are delivered before, during and
after the rotation window to simulated water systems holding the old, the new or both
secrets. Each change's delivery is captured as sent (the API destination's HTTP call).

The tests run in file order: one rotation story on one local cloud.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from onetrip.dal import webhook_bus
from onetrip.domain.webhooks import MemorySeenIds, Receiver, Rejected, Rejection
from onetrip.routing import Agency
from onetrip_infra.connectors import DEFAULT_ROTATION_GRACE_HOURS
from onetrip_local.agency_sim import AgencySimulator
from onetrip_local.api_destinations import HttpCall
from onetrip_local.cli import main
from onetrip_local.harness import LocalCloud
from onetrip_ops import cli as ops_cli
from onetrip_ops import webhook_secrets
from onetrip_ops.target import TargetError

from tests.support.identity_flow import IdentityDesk
from tests.support.ops import target_of
from tests.webhooks import WEBHOOK_CONTEXT, in_process_simulators, signing_secret

GRACE = timedelta(hours=DEFAULT_ROTATION_GRACE_HOURS)


@dataclass
class Story:
    cloud: LocalCloud
    sims: dict[Agency, AgencySimulator]
    sent: list[HttpCall] = field(default_factory=list)  # every delivery, as sent
    old: str = ""
    new: str = ""
    rotated: dict[str, Any] = field(default_factory=dict)  # what the ops verb printed

    def change(self) -> tuple[dict[str, Any], HttpCall]:
        """A surname change of a person held by every agency, delivered; returns the
        application and the (last) delivery sent to water."""
        desk = IdentityDesk(self.cloud)
        person = desk.register()
        records = desk.seed_records(person)
        for agency, sim in self.sims.items():
            sim.seed(dict(records[agency]))
        self.sent.clear()
        application = desk.change(person, {"surname": "欧阳"})
        report = self.cloud.deliver()
        assert not report.errors, report.errors[0]
        (water,) = {c.headers["webhook-id"]: c for c in self.sent if "water" in c.url}.values()
        return desk.application(application["applicationId"]), water


@pytest.fixture(scope="module")
def story() -> Iterator[Story]:
    cloud = LocalCloud.start(context=WEBHOOK_CONTEXT, stack_name="rotate")
    sims = in_process_simulators(cloud)
    story = Story(cloud, sims, old=signing_secret(cloud, Agency.WATER))
    deliver = cloud.webhook_transport

    def capture(call: HttpCall) -> int:
        story.sent.append(call)
        return deliver(call)

    cloud.webhook_transport = capture
    yield story
    cloud.stop()


def _verifies(secrets: tuple[str, ...], call: HttpCall, clock: Any = None) -> bool:
    receiver = Receiver(secrets, MemorySeenIds(), **({"clock": clock} if clock else {}))
    try:
        receiver.verify(call.body, call.headers)
    except Rejected as rejection:
        assert rejection.reason is Rejection.BAD_SIGNATURE
        return False
    return True


def _links(application: dict[str, Any]) -> dict[str, str]:
    return {lu["agency"]: lu["status"] for lu in application["linkedUpdates"]}


def test_before_a_rotation_one_signature_with_the_current_secret(story: Story) -> None:
    application, water = story.change()
    assert application["status"] == "completed"
    assert len(water.headers["webhook-signature"].split(" ")) == 1
    assert _verifies((story.old,), water)


def test_the_ops_verb_puts_a_new_secret_and_prints_what_the_agency_installs(
    story: Story, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ops_cli, "_target", lambda args: target_of(story.cloud))
    before = datetime.now(UTC)
    argv = ["ops", "--url", "http://unused", "--json", "rotate-webhook-secret", "--agency"]
    assert main([*argv, "water"]) == 0
    printed = json.loads(capsys.readouterr().out)
    story.rotated, story.new = printed, printed["install"]
    assert printed["agency"] == "water"
    # (in-process test stacks prefix the name, to share one moto: rotate-onetrip/…)
    assert printed["secretName"] == "rotate-onetrip/webhooks/water"
    assert len(story.new) == 48 and story.new.isalnum() and story.new != story.old
    rotated_at = datetime.fromisoformat(printed["rotatedAt"])
    assert before - timedelta(seconds=1) <= rotated_at <= datetime.now(UTC)
    assert datetime.fromisoformat(printed["newSignsBy"]) == rotated_at + timedelta(minutes=5)
    assert datetime.fromisoformat(printed["previousSignsUntil"]) == rotated_at + GRACE
    # Secrets Manager holds the new version as AWSCURRENT and the old as AWSPREVIOUS
    secrets = story.cloud.boto("secretsmanager")
    stages = {
        stage: secrets.get_secret_value(
            SecretId=story.cloud.secret_arn("WaterWebhookSecret"), VersionStage=stage
        )
        for stage in ("AWSCURRENT", "AWSPREVIOUS")
    }
    assert (stages["AWSCURRENT"]["SecretString"], stages["AWSCURRENT"]["VersionId"]) == (
        story.new, printed["versionId"],
    )  # fmt: skip
    assert stages["AWSPREVIOUS"]["SecretString"] == story.old
    # and gas's secret is untouched
    assert signing_secret(story.cloud, Agency.GAS) != story.new
    # A second rotation inside the window is refused (exit 2, nothing put)
    assert main([*argv, "water"]) == 2
    assert "signs with both secrets until" in capsys.readouterr().err
    assert signing_secret(story.cloud, Agency.WATER) == story.new
    # A mirror agency has no signing secret; an unknown one is named
    assert main([*argv, "electricity"]) == 2
    assert "'ElectricityWebhookSecret' names no single secret" in capsys.readouterr().err
    assert main([*argv, "sewage"]) == 2
    assert "unknown agency 'sewage'" in capsys.readouterr().err


@pytest.mark.parametrize("installed", ["new", "old"])
def test_during_the_window_an_agency_with_only_the_new_or_only_the_old_secret_verifies(
    story: Story, installed: str
) -> None:
    # Five minutes on, every warm signer has re-read the secret (SECRET_CACHE_SECONDS)
    webhook_bus.forget_signing_keys()
    water = story.sims[Agency.WATER]
    water.use_secret(story.new if installed == "new" else story.old)
    application, sent = story.change()
    assert application["status"] == "completed"
    assert _links(application)["water"] == "applied"
    assert water.rejected == []
    # Both signatures are listed (new first), each verifies with its own secret only
    new_signature, old_signature = sent.headers["webhook-signature"].split(" ")
    for secret, signature in ((story.new, new_signature), (story.old, old_signature)):
        alone = HttpCall(sent.method, sent.url, {**sent.headers, "webhook-signature": signature},
                         sent.body)  # fmt: skip
        assert _verifies((secret,), alone)
        assert not _verifies((story.new if secret == story.old else story.old,), alone)


def test_after_the_window_only_the_new_secret_signs(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onetrip.handlers import webhook_signer

    # A day and a minute after the rotation (the signer's clock and the agencies')
    rotated_at = datetime.fromisoformat(story.rotated["rotatedAt"])
    later = rotated_at + GRACE + timedelta(minutes=1)
    offset = later - datetime.now(UTC)
    monkeypatch.setattr(webhook_signer, "now", lambda: datetime.now(UTC) + offset)
    clock = lambda: (datetime.now(UTC) + offset).timestamp()  # noqa: E731
    for sim in story.sims.values():
        sim.receiver.clock = clock
    water = story.sims[Agency.WATER]

    # An agency that installed the new secret verifies; the one signature is the new one
    water.use_secret(story.new)
    application, sent = story.change()
    assert application["status"] == "completed"
    assert len(sent.headers["webhook-signature"].split(" ")) == 1
    assert _verifies((story.new,), sent, clock)
    assert not _verifies((story.old,), sent, clock)

    # An agency still on the old secret refuses every delivery (nothing is lost: the
    # update waits, notified, and the sweep re-sends once the secret is installed)
    water.use_secret(story.old)
    application, sent = story.change()
    assert water.rejected and set(water.rejected) == {"bad_signature"}
    assert application["status"] == "applying"
    assert _links(application)["water"] == "notified"

    # and a new rotation is allowed again
    target = target_of(story.cloud)
    rotation = webhook_secrets.rotate(target, Agency.WATER, grace=GRACE, now=later)
    assert signing_secret(story.cloud, Agency.WATER) == rotation.secret
    with pytest.raises(TargetError, match="signs with both secrets until"):
        webhook_secrets.rotate(target, Agency.WATER, grace=GRACE, now=datetime.now(UTC))
