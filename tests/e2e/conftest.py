"""`onetrip local` as a subprocess on a free port, driven over HTTP only
(tests/support/local_runtime.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.local_runtime import HttpCloud, RunningLocal, start, stop


@pytest.fixture(scope="session")
def local() -> Iterator[RunningLocal]:
    try:
        running = start()
    except RuntimeError as error:
        pytest.fail(str(error))
    yield running
    stop(running)


@pytest.fixture(scope="session")
def http(local: RunningLocal) -> HttpCloud:
    return HttpCloud(local.url)
