"""Session-wide local cloud: moto server + the synthesized Onetrip template, provisioned.

`cloud` is shared by every test of a session (synth is cached on disk under .build/local/,
so only the first session after a source change pays for it). A test that needs empty
tables and queues asks for `fresh_cloud`, which wipes moto and provisions again (~0.4 s).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from onetrip_local.harness import LocalCloud


@pytest.fixture(scope="session")
def cloud() -> Iterator[LocalCloud]:
    local = LocalCloud.start()
    yield local
    local.stop()


@pytest.fixture
def fresh_cloud(cloud: LocalCloud) -> LocalCloud:
    cloud.reset()
    return cloud
