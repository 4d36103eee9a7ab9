"""Where a stage's resources are: logical id -> physical name, and clients to reach them.

The logical ids are the ones docs/architecture.md promises (pinned in the CDK app), so a
runbook names `WaterDeadLetters` or `Applications` the same way everywhere.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import boto3

ClientFactory = Callable[[str], Any]


class TargetError(Exception):
    """The stage, runtime or resource asked for cannot be found."""


@dataclass
class Target:
    """One deployed stage (or the local runtime): its resources and how to call them."""

    client: ClientFactory
    queues: dict[str, str] = field(default_factory=dict)  # logical id -> queue URL
    tables: dict[str, str] = field(default_factory=dict)  # logical id -> table name
    state_machines: dict[str, str] = field(default_factory=dict)  # logical id -> ARN
    secrets: dict[str, str] = field(default_factory=dict)  # logical id -> ARN
    api_url: str | None = None
    # SQS's StartMessageMoveTask; moto (the local runtime) does not implement it.
    message_move_tasks: bool = True

    def queue_url(self, name: str) -> str:
        return self.queues[_pick(self.queues, name, "queue")]

    def table(self, name: str) -> str:
        return self.tables[_pick(self.tables, name, "table")]

    def state_machine_arn(self, name: str = "PetitionWorkflow") -> str:
        return self.state_machines[_pick(self.state_machines, name, "state machine")]

    def secret_arn(self, name: str) -> str:
        return self.secrets[_pick(self.secrets, name, "secret")]

    def dead_letter_queues(self) -> dict[str, str]:
        return {lid: url for lid, url in self.queues.items() if lid.endswith("DeadLetters")}

    @classmethod
    def aws(cls, stack_name: str, *, region: str, profile: str | None = None) -> Target:
        """A deployed stack, with the default boto3 credentials (or a named profile)."""
        session = boto3.Session(profile_name=profile, region_name=region)
        cfn = session.client("cloudformation")
        by_type: dict[str, dict[str, str]] = {}
        try:
            for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name):
                for resource in page["StackResourceSummaries"]:
                    by_type.setdefault(resource["ResourceType"], {})[
                        resource["LogicalResourceId"]
                    ] = resource["PhysicalResourceId"]
            (stack,) = cfn.describe_stacks(StackName=stack_name)["Stacks"]
        except cfn.exceptions.ClientError as error:
            raise TargetError(f"stack {stack_name} in {region}: {error}") from error
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        return cls(
            client=_session_clients(session),
            queues=by_type.get("AWS::SQS::Queue", {}),  # physical id of a queue = its URL
            tables=by_type.get("AWS::DynamoDB::Table", {}),
            state_machines=by_type.get("AWS::StepFunctions::StateMachine", {}),
            secrets=by_type.get("AWS::SecretsManager::Secret", {}),  # physical id = ARN
            api_url=outputs.get("ApiUrl"),
        )

    @classmethod
    def local(cls, url: str) -> Target:
        """A running `onetrip local` (its admin route describes what it provisioned)."""
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/_local/topology", timeout=10) as r:
                topology = json.load(r)
        except OSError as error:
            raise TargetError(f"no local runtime at {url}: {error}") from error
        return cls.from_topology(topology, api_url=url)

    @classmethod
    def from_topology(cls, topology: Mapping[str, Any], *, api_url: str | None) -> Target:
        return cls(
            client=local_clients(topology["endpointUrl"], topology["region"]),
            queues=dict(topology["queues"]),
            tables=dict(topology["tables"]),
            state_machines=dict(topology["stateMachines"]),
            secrets=dict(topology.get("secrets", {})),
            api_url=api_url,
            message_move_tasks=False,
        )


def _session_clients(session: boto3.Session) -> ClientFactory:
    @cache
    def client(service: str) -> Any:
        return session.client(service)  # type: ignore[call-overload]

    return client


def local_clients(endpoint_url: str, region: str) -> ClientFactory:
    """Clients of the local runtime's moto (fake credentials), shared with the harness."""
    from onetrip_local.harness import _client

    return lambda service: _client(service, endpoint_url, region)


def _pick(mapping: Mapping[str, str], name: str, what: str) -> str:
    """A logical id, or the one id that starts with `name` (CDK may append a hash)."""
    if name in mapping:
        return name
    candidates = [lid for lid in mapping if re.match(re.escape(name), lid, re.IGNORECASE)]
    if len(candidates) == 1:
        return candidates[0]
    raise TargetError(f"{name!r} names no single {what}; known: {', '.join(sorted(mapping))}")
