"""The probe stack (test-only CDK app) provisioned into its own moto server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from onetrip_local.harness import LocalCloud

from tests.local.probe_stack import PROBE_CODE, synth_probe


@pytest.fixture(scope="session")
def probe_template() -> dict[str, Any]:
    return synth_probe()


@pytest.fixture(scope="session")
def probe_session(probe_template: dict[str, Any]) -> Iterator[LocalCloud]:
    local = LocalCloud.start(probe_template, code_paths=[PROBE_CODE])
    yield local
    local.stop()


@pytest.fixture
def probe(probe_session: LocalCloud) -> LocalCloud:
    probe_session.reset()
    return probe_session
