"""The CDK app: the Onetrip stack with cdk-nag (AwsSolutionsChecks) as a validation plugin.

Context keys: `region` (default us-east-1), `oidcIssuer` + `oidcAudience` (the JWT
authorizer trusts that provider and no Cognito pool is created; required in cn-* regions,
where Cognito does not exist).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from onetrip_infra.constructs.api import OidcProvider
from onetrip_infra.stack import OnetripStack

STACK_NAME = "Onetrip"
DEFAULT_REGION = "us-east-1"


class ConfigurationError(ValueError):
    """The context does not describe a deployable app."""


def _oidc(app: cdk.App, region: str) -> OidcProvider | None:
    issuer = app.node.try_get_context("oidcIssuer")
    audience = app.node.try_get_context("oidcAudience")
    if bool(issuer) != bool(audience):
        raise ConfigurationError("Give both oidcIssuer and oidcAudience, or neither.")
    if issuer:
        return OidcProvider(issuer=str(issuer), audience=str(audience))
    if region.startswith("cn-"):
        raise ConfigurationError(
            f"Region {region} has no Amazon Cognito: pass the identity provider as context, "
            "e.g. -c oidcIssuer=https://idp.example.gov.cn -c oidcAudience=onetrip"
        )
    return None


def create_app(outdir: str | None = None, context: dict[str, Any] | None = None) -> cdk.App:
    """Build the app; with no arguments `cdk.App` reads CDK_OUTDIR and CDK_CONTEXT_JSON."""
    app = cdk.App(outdir=outdir, context=context)
    region = str(app.node.try_get_context("region") or DEFAULT_REGION)
    OnetripStack(
        app,
        STACK_NAME,
        stack_name=STACK_NAME,
        env=cdk.Environment(region=region),
        oidc=_oidc(app, region),
    )
    # cdk-nag 3 is a policy-validation plugin (the v2 Aspects form no longer works);
    # violations fail synth and land in <outdir>/validation-report.json.
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return app


def synth_template(
    context: dict[str, Any] | None = None, *, outdir: str | None = None
) -> dict[str, Any]:
    """Synthesize and return the Onetrip stack's template (a dict, as CloudFormation sees it).

    Pass `{"aws:cdk:bundling-stacks": []}` to skip building the dependency layer (no pip).
    The cloud assembly goes to a temporary folder, or to `outdir` when the caller wants
    to keep it (e.g. to read validation-report.json). Raises if cdk-nag finds violations.
    """
    if outdir is not None:
        return _synth_into(outdir, context)
    with tempfile.TemporaryDirectory(prefix="onetrip-synth-") as tmp:
        return _synth_into(tmp, context)


def _synth_into(outdir: str, context: dict[str, Any] | None) -> dict[str, Any]:
    assembly = create_app(outdir=outdir, context=context).synth()
    template_path = Path(outdir) / assembly.get_stack_by_name(STACK_NAME).template_file
    template: dict[str, Any] = json.loads(template_path.read_text())
    return template
