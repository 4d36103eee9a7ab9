"""Deployment stages (dev, staging, prod): everything that differs between them, in one place.

Pick one with CDK context `stage` (`make synth STAGE=prod`, `cdk synth -c stage=prod`);
without it the app is `dev`, which is also what tests and `onetrip local` synthesize.
Context keys `region`, `account`, `oidcIssuer` + `oidcAudience` and `alarmEmails`
(comma-separated) override the stage's values for one synth; `connectors`, `city` and
`partners` (onetrip_infra.connectors, onetrip_infra.partners) add to them.

`python -m onetrip_infra.stages check prod` fails while a stage still carries example
values (the issuer, the alarm recipients): `make deploy` runs it first.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from aws_cdk import RemovalPolicy
from onetrip.routing import Agency

from onetrip_infra import connectors, partners
from onetrip_infra.connectors import Connector, ConnectorError
from onetrip_infra.partners import Partner, PartnerError


class ConfigurationError(ValueError):
    """The context does not describe a deployable app."""


@dataclass(frozen=True)
class OidcProvider:
    """An external identity provider (in China, the government's unified login)."""

    issuer: str
    audience: str


@dataclass(frozen=True)
class Stage:
    name: str
    region: str
    # None: deploy to whatever account the credentials belong to. Set it for prod, so a
    # deploy with the wrong credentials fails instead of creating a second production.
    account: str | None
    # None: a Cognito user pool is created (only outside China, where Cognito exists).
    oidc: OidcProvider | None
    alarm_emails: tuple[str, ...]
    # True: tables keep deletion protection and, like keys, secrets and logs, survive a
    # stack deletion (RETAIN). False: `cdk destroy` removes everything (dev).
    retain_data: bool
    # Agencies with their own systems (webhook mode); every other agency is `mirror`.
    connectors: Mapping[Agency, Connector] = field(default_factory=dict)
    # The city this stage serves, and its partner cities (跨市通办, onetrip_infra.partners):
    # other stages of this app, in their own accounts. A partner's bus ARN exists only
    # after its first deploy, so partners usually come as context `partners`.
    city: str = "ningbo"
    partners: Mapping[str, Partner] = field(default_factory=dict)

    @property
    def webhook_agencies(self) -> dict[Agency, Connector]:
        return {a: c for a, c in self.connectors.items() if c.is_webhook}

    @property
    def stack_name(self) -> str:
        return f"Onetrip-{self.name}"

    @property
    def removal_policy(self) -> RemovalPolicy:
        return RemovalPolicy.RETAIN if self.retain_data else RemovalPolicy.DESTROY

    @property
    def metrics_namespace(self) -> str:
        """CloudWatch namespace of the business metrics (one per stage: no mixing)."""
        return f"Onetrip/{self.name}"

    @property
    def in_china(self) -> bool:
        return self.region.startswith("cn-")

    def problems(self) -> list[str]:
        """What still stops a real deploy of this stage (example values, missing config)."""
        found: list[str] = []
        if self.oidc is not None and ".example." in self.oidc.issuer:
            found.append(f"oidcIssuer is the example value {self.oidc.issuer}")
        if self.retain_data and not self.alarm_emails:
            found.append("no alarm recipients (alarmEmails)")
        found += [f"alarm recipient {e} is an example address" for e in self.alarm_emails
                  if e.endswith(("example.gov.cn", "example.com"))]  # fmt: skip
        found += [f"webhook endpoint of {a} is an example value {c.endpoint}"
                  for a, c in self.webhook_agencies.items()
                  if _example_host(str(c.endpoint))]  # fmt: skip
        found += [f"partner {p.city}'s apiUrl is an example value {p.api_url}"
                  for p in self.partners.values() if _example_host(p.api_url)]  # fmt: skip
        return found


def _example_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host.endswith((".test", ".example", ".invalid")) or ".example." in f"{host}."


# PIPL: personal data of state organs stays in China, so staging and prod run in the
# China regions (partition aws-cn, no Cognito: the government OIDC provider signs in).
# dev holds synthetic data only and runs where Cognito exists, like the local runtime.
# Example values (example.gov.cn) must be replaced before a real deploy: see
# docs/operations.md, "Before the first deploy".
STAGES: Mapping[str, Stage] = {
    "dev": Stage(
        name="dev",
        region="us-east-1",
        account=None,
        oidc=None,
        alarm_emails=(),
        retain_data=False,
    ),
    "staging": Stage(
        name="staging",
        region="cn-northwest-1",
        account=None,
        oidc=OidcProvider(
            issuer="https://idp-test.example.gov.cn/oidc", audience="onetrip-staging"
        ),
        alarm_emails=("onetrip-oncall@example.gov.cn",),
        # Prod-like on purpose: a change that would replace a retained table fails here
        # first, on a Friday rehearsal, not in prod.
        retain_data=True,
    ),
    "prod": Stage(
        name="prod",
        region="cn-north-1",
        account=None,
        oidc=OidcProvider(issuer="https://idp.example.gov.cn/oidc", audience="onetrip"),
        alarm_emails=("onetrip-oncall@example.gov.cn",),
        retain_data=True,
    ),
    # The partner city (跨市通办): the same app for Zhoushan, in Zhoushan's account. Each
    # of prod and zhoushan names the other in context `partners` once both are deployed.
    "zhoushan": Stage(
        name="zhoushan",
        region="cn-north-1",
        account=None,
        oidc=OidcProvider(issuer="https://idp.example.gov.cn/oidc", audience="onetrip-zhoushan"),
        alarm_emails=("onetrip-oncall@zhoushan.example.gov.cn",),
        retain_data=True,
        city="zhoushan",
    ),
}
DEFAULT_STAGE = "dev"


def stage_from_context(context: Mapping[str, Any] | Any) -> Stage:
    """The stage named by context `stage`, with the per-synth overrides applied.

    `context` is a mapping or anything with `try_get_context` (a CDK construct node).
    """
    get = context.get if isinstance(context, Mapping) else context.try_get_context
    name = str(get("stage") or DEFAULT_STAGE)
    if name not in STAGES:
        raise ConfigurationError(f"Unknown stage {name!r}; stages are {', '.join(STAGES)}.")
    stage = STAGES[name]
    if get("region"):
        stage = replace(stage, region=str(get("region")))
    if get("account"):
        stage = replace(stage, account=str(get("account")))
    emails = get("alarmEmails")
    if emails is not None:
        listed = emails.split(",") if isinstance(emails, str) else list(emails)
        stage = replace(stage, alarm_emails=tuple(e.strip() for e in map(str, listed) if e.strip()))
    issuer, audience = get("oidcIssuer"), get("oidcAudience")
    if bool(issuer) != bool(audience):
        raise ConfigurationError("Give both oidcIssuer and oidcAudience, or neither.")
    if issuer:
        stage = replace(stage, oidc=OidcProvider(issuer=str(issuer), audience=str(audience)))
    if get("connectors"):
        try:
            chosen = connectors.resolve(stage.connectors, get("connectors"))
        except (ConnectorError, ValueError) as error:
            raise ConfigurationError(str(error)) from error
        stage = replace(stage, connectors=chosen)
    if get("city"):
        stage = replace(stage, city=str(get("city")))
    if get("partners"):
        try:
            chosen_partners = {**stage.partners, **partners.parse(get("partners"))}
        except (PartnerError, ValueError) as error:
            raise ConfigurationError(str(error)) from error
        if stage.city in chosen_partners:
            raise ConfigurationError(f"partners: {stage.city} is this stage's own city")
        stage = replace(stage, partners=chosen_partners)
    if stage.oidc is None and stage.in_china:
        raise ConfigurationError(
            f"Region {stage.region} has no Amazon Cognito: pass the identity provider as "
            "context, e.g. -c oidcIssuer=https://idp.example.gov.cn -c oidcAudience=onetrip"
        )
    return stage


def main(argv: Sequence[str] | None = None) -> int:
    """`check <stage> [-c key=value ...]`: exit 1 with the reasons if the stage is not
    ready (the same -c overrides `make deploy CONTEXT=...` passes to the CDK CLI)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] != "check":
        print("usage: python -m onetrip_infra.stages check <stage> [-c key=value ...]")
        return 2
    pairs = [a for a in args[2:] if a not in ("-c", "--context")]
    context: dict[str, Any] = dict(pair.split("=", 1) for pair in pairs)
    try:
        stage = stage_from_context({**context, "stage": args[1]})
    except ConfigurationError as error:
        print(f"stage {args[1]}: {error}", file=sys.stderr)
        return 1
    problems = stage.problems()
    for problem in problems:
        print(f"stage {stage.name}: {problem}", file=sys.stderr)
    if not problems:
        print(f"stage {stage.name}: {stage.stack_name} in {stage.region}, ready to deploy")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
