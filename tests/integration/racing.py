"""Helpers for race tests: run calls at one instant on real threads, or put one call
between another's read and its write (a deterministic interleaving)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call at the same instant; each result is the value or the exception."""
    barrier = Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test judges
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


class AfterFirstRead:
    """A store whose first call of `method` returns what it read, but only after `meanwhile`
    has run: the interleaving where another writer commits between a read and the write
    based on it. Every other call goes to the store unchanged."""

    def __init__(self, store: Any, method: str, meanwhile: Callable[[], Any]) -> None:
        self._store, self._method, self._meanwhile = store, method, meanwhile
        self.fired = False

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if name != self._method or self.fired:
            return found

        def read_then_meanwhile(*args: Any, **kwargs: Any) -> Any:
            result = found(*args, **kwargs)
            if isinstance(result, Iterator):
                return self._generator(result)
            self.fired = True
            self._meanwhile()
            return result

        return read_then_meanwhile

    def _generator(self, items: Iterator[Any]) -> Iterator[Any]:
        """For a query: the whole result is read first, then `meanwhile` runs."""
        read = list(items)
        self.fired = True
        self._meanwhile()
        yield from read
