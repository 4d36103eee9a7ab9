"""The CDK app: one Onetrip stack per stage, with cdk-nag (AwsSolutionsChecks) as a
validation plugin.

Context key `stage` (dev, staging, prod; default dev) picks the configuration in
`onetrip_infra.stages`; `region`, `account`, `oidcIssuer` + `oidcAudience` and
`alarmEmails` override it for one synth; `skipLayerBuild=true` skips building the
dependency layer (the JWT authorizer then trusts that provider and
no Cognito pool is created; required in cn-* regions, where Cognito does not exist).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from onetrip_infra.stack import OnetripStack
from onetrip_infra.stages import ConfigurationError, stage_from_context

__all__ = ["ConfigurationError", "create_app", "synth_template"]


def create_app(outdir: str | None = None, context: dict[str, Any] | None = None) -> cdk.App:
    """Build the app; with no arguments `cdk.App` reads CDK_OUTDIR and CDK_CONTEXT_JSON."""
    app = cdk.App(outdir=outdir, context=context)
    if str(app.node.try_get_context("skipLayerBuild")).lower() == "true":
        # The CDK CLI refuses `aws:` context keys; `make diff` asks with this one instead.
        app.node.set_context("aws:cdk:bundling-stacks", [])
    stage = stage_from_context(app.node)
    OnetripStack(
        app,
        stage.stack_name,
        stack_name=stage.stack_name,
        env=cdk.Environment(account=stage.account, region=stage.region),
        stage=stage,
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
    (stack,) = assembly.stacks
    template_path = Path(outdir) / stack.template_file
    template: dict[str, Any] = json.loads(template_path.read_text())
    return template
