"""The Onetrip app's own template provisions completely and its functions can run."""

from __future__ import annotations

from onetrip_local.harness import LocalCloud


def test_every_function_environment_resolves_to_local_names(cloud: LocalCloud) -> None:
    for spec in cloud.topology.functions.values():
        for key, value in spec.env.items():
            assert "{" not in value, f"{spec.logical_id}.{key} is unresolved: {value}"
    assert cloud.env_for("PersonsApi")["REGISTRY_TABLE"] == cloud.table("Registry")


# Read by the city's message service, outside onetrip (citizen notices): no consumer here.
OUTBOUND_QUEUES = {"CitizenInbox"}


def test_every_work_queue_has_a_consumer_and_a_dead_letter_queue(cloud: LocalCloud) -> None:
    queues = cloud.topology.queues.values()
    consumed = {m.queue for m in cloud.topology.event_source_mappings}
    dead_letter_arns = {q.dead_letter_arn for q in queues}
    for queue in queues:
        if queue.arn in dead_letter_arns:
            continue
        assert queue.max_receive_count and queue.max_receive_count >= 5
        if queue.logical_id in OUTBOUND_QUEUES:
            continue
        assert queue.logical_id in consumed


def test_health_is_public_and_other_routes_need_a_token(cloud: LocalCloud) -> None:
    health = cloud.api("GET", "/health")
    assert (health.status, health.json) == (200, {"status": "ok"})
    assert cloud.api("POST", "/persons", body={}).status == 401
