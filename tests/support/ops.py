"""The in-process local cloud as an `onetrip ops` target (what `Target.local` reads over
HTTP from a running runtime)."""

from __future__ import annotations

from onetrip_local.harness import LocalCloud
from onetrip_ops.target import Target


def target_of(cloud: LocalCloud) -> Target:
    topology = cloud.topology
    return Target(
        client=cloud.boto,
        queues={lid: queue.url for lid, queue in topology.queues.items()},
        tables=dict(topology.tables),
        state_machines=dict(topology.state_machines),
        secrets=dict(topology.secrets),
        message_move_tasks=False,  # moto has no StartMessageMoveTask
    )
