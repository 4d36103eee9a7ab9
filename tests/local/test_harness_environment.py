"""The in-process harness swaps environments without ever deleting a variable: moto's
Step Functions thread walks os.environ concurrently (list the keys, then read each), so a
deletion in between would fail a running execution."""

from __future__ import annotations

import os
from typing import Any

import pytest
from onetrip.settings import get_settings
from onetrip_local import harness


def test_environment_swaps_set_values_and_never_delete(monkeypatch: pytest.MonkeyPatch) -> None:
    deleted: list[str] = []
    original = type(os.environ).__delitem__

    def spy(self: Any, key: str) -> None:
        deleted.append(key)
        original(self, key)

    monkeypatch.setattr(type(os.environ), "__delitem__", spy)
    consumer = {"AGENCY": "water", "MAX_RECEIVE_COUNT": "3", "ONETRIP_TEST_ONLY": "a"}
    api = {"ONETRIP_TEST_ONLY": "b"}
    try:
        # Given a consumer invoked first
        with harness._environment(consumer):
            assert get_settings().agency == "water"
            assert get_settings().max_receive_count == 3
        # When a function without those variables runs next
        with harness._environment(api):
            # Then it sees them as unset, as in Lambda
            assert os.environ["AGENCY"] == ""
            assert get_settings().agency == ""
            assert get_settings().max_receive_count == 5
            assert os.environ["ONETRIP_TEST_ONLY"] == "b"
        # And no variable was ever deleted
        assert deleted == []
    finally:
        # Left as functions leave them (the harness blanks them for whoever lacks them).
        get_settings.cache_clear()
