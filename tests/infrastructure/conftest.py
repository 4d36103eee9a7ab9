"""Synthesized templates, built once per test session (jsii synth takes seconds)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from onetrip_infra.app import synth_template

# Skips bundling the dependency layer: no pip, no Docker; the template is unchanged
# apart from the layer asset's hash.
NO_BUNDLING: dict[str, Any] = {"aws:cdk:bundling-stacks": []}
# The prod stage: cn-north-1, the government OIDC provider (issuer and audience below).
PROD: dict[str, Any] = {**NO_BUNDLING, "stage": "prod"}


@dataclass(frozen=True)
class Synth:
    template: dict[str, Any]
    outdir: Path

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources: dict[str, dict[str, Any]] = self.template["Resources"]
        return resources

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {lid: r for lid, r in self.resources.items() if r["Type"] == resource_type}

    def props(self, logical_id: str) -> dict[str, Any]:
        props: dict[str, Any] = self.resources[logical_id]["Properties"]
        return props

    def validation_report(self) -> dict[str, Any]:
        report: dict[str, Any] = json.loads((self.outdir / "validation-report.json").read_text())
        return report

    def manifest(self) -> dict[str, Any]:
        manifest: dict[str, Any] = json.loads((self.outdir / "manifest.json").read_text())
        return manifest

    def role_of(self, function_id: str) -> str:
        """Logical id of a function's execution role."""
        role: str = self.props(function_id)["Role"]["Fn::GetAtt"][0]
        return role

    def statements_of(self, function_id: str) -> list[dict[str, Any]]:
        """Every inline-policy statement attached to the function's role."""
        role = self.role_of(function_id)
        statements: list[dict[str, Any]] = []
        for policy in self.of_type("AWS::IAM::Policy").values():
            if {"Ref": role} in policy["Properties"]["Roles"]:
                statements += policy["Properties"]["PolicyDocument"]["Statement"]
        return statements


def _synth(tmp: Path, context: dict[str, Any]) -> Synth:
    return Synth(template=synth_template(context=context, outdir=str(tmp)), outdir=tmp)


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    """The default app (us-east-1, Cognito), synthesized once."""
    yield _synth(tmp_path_factory.mktemp("synth-default"), NO_BUNDLING)


@pytest.fixture(scope="session")
def china_synth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    """The prod stage (cn-north-1, government OIDC provider https://idp.example.gov.cn/oidc,
    audience onetrip), synthesized once."""
    yield _synth(tmp_path_factory.mktemp("synth-prod"), PROD)


@pytest.fixture(scope="session")
def prod_synth(china_synth: Synth) -> Synth:
    return china_synth
