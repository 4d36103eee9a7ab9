"""Partner cities (跨市通办): the stage's partner configuration, what the functions read from
it, and the `partner:<city>` party of the routing table."""

from __future__ import annotations

import json

import pytest
from onetrip.domain import partners
from onetrip.domain.partners import PartnerCity
from onetrip.routing import IdentityField, held_fields, partner_city, partner_party
from onetrip_infra.stages import ConfigurationError, main, stage_from_context

ZHOUSHAN_BUS = "arn:aws-cn:events:cn-north-1:222222222222:event-bus/OnetripzhoushanEventsBus"
ZHOUSHAN = {
    "busArn": ZHOUSHAN_BUS,
    "districts": ["普陀区", "定海区"],
    "apiUrl": "https://api.zhoushan.gaj.gov.cn",
}


def test_a_partner_from_context_takes_account_and_region_from_its_bus_arn() -> None:
    stage = stage_from_context({"stage": "dev", "partners": json.dumps({"zhoushan": ZHOUSHAN})})
    (partner,) = stage.partners.values()
    assert (partner.city, partner.account, partner.region) == (
        "zhoushan", "222222222222", "cn-north-1")  # fmt: skip
    assert partner.credentials_secret == "onetrip/partners/zhoushan"
    assert partner.ack_deadline_minutes == 24 * 60
    assert stage.city == "ningbo"


def test_a_bus_arn_in_another_account_than_the_partners_is_refused() -> None:
    wrong = {**ZHOUSHAN, "account": "333333333333"}
    with pytest.raises(ConfigurationError, match="not in the partner's account"):
        stage_from_context({"partners": json.dumps({"zhoushan": wrong})})


def test_the_zhoushan_stage_is_the_same_app_for_the_partner_city() -> None:
    stage = stage_from_context({"stage": "zhoushan"})
    assert (stage.city, stage.stack_name, stage.region) == (
        "zhoushan", "Onetrip-zhoushan", "cn-north-1")  # fmt: skip
    back = {"busArn": ZHOUSHAN_BUS.replace("222222222222", "111111111111"),
            "districts": ["海曙区"], "apiUrl": "https://api.ningbo.gaj.gov.cn"}  # fmt: skip
    paired = stage_from_context({"stage": "zhoushan", "partners": json.dumps({"ningbo": back})})
    assert list(paired.partners) == ["ningbo"]


def test_the_deploy_preflight_refuses_an_example_partner_api(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = {"zhoushan": {**ZHOUSHAN, "apiUrl": "https://api.zhoushan.example.gov.cn"}}
    ready = ["-c", "oidcIssuer=https://idp.zj.gov.cn/oidc", "-c", "oidcAudience=onetrip",
             "-c", "alarmEmails=oncall@gaj.ningbo.gov.cn"]  # fmt: skip
    assert main(["check", "prod", *ready, "-c", f"partners={json.dumps(example)}"]) == 1
    assert "partner zhoushan's apiUrl is an example value" in capsys.readouterr().err
    assert main(["check", "prod", *ready, "-c",
                 f"partners={json.dumps({'zhoushan': ZHOUSHAN})}"]) == 0  # fmt: skip


def test_the_functions_read_back_what_the_stage_wrote() -> None:
    stage = stage_from_context({"partners": json.dumps({"zhoushan": ZHOUSHAN})})
    written = partners.dump({c: p.for_functions() for c, p in stage.partners.items()})
    read = partners.parse(written)
    assert read["zhoushan"] == PartnerCity(
        city="zhoushan", districts=("普陀区", "定海区"), account="222222222222",
        api_url="https://api.zhoushan.gaj.gov.cn",
        credentials_secret="onetrip/partners/zhoushan", ack_deadline_seconds=86400,
    )  # fmt: skip
    assert partners.holder(read, "普陀区") == read["zhoushan"]
    assert partners.holder(read, "海曙区") is None
    assert partners.holder(read, None) is None
    assert partners.parse("") == {}


def test_the_sender_is_known_by_its_account() -> None:
    two = {"a": PartnerCity("a", account="1"), "b": PartnerCity("b", account="2")}
    assert partners.sender(two, "2") == two["b"]
    assert partners.sender(two, "3") is None
    assert partners.sender(two, None) is None  # which of two? refused
    assert partners.sender({"a": two["a"]}, None) == two["a"]


def test_a_partner_party_holds_every_field_and_an_unknown_party_nothing() -> None:
    assert partner_party("zhoushan") == "partner:zhoushan"
    assert partner_city("partner:zhoushan") == "zhoushan"
    assert partner_city("water") is None
    assert held_fields("partner:zhoushan") == tuple(IdentityField)
    assert IdentityField.ETHNICITY not in held_fields("water")
    with pytest.raises(ValueError):
        held_fields("partners")
