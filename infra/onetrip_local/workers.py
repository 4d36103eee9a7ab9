"""One worker process per function, each with exactly that function's environment.

A worker runs one invocation at a time, like one Lambda execution environment. If it
dies mid-invocation the invocation fails (the caller decides what that means, e.g. the
batch stays on the queue) and the next invocation starts a fresh process — a cold start.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from onetrip_local.provision import FunctionSpec
from onetrip_local.template import REPO_ROOT
from onetrip_local.triggers import LambdaContext

_PASSED_THROUGH = ("PATH", "HOME", "LANG", "TMPDIR", "TZ")
# Generous on purpose: on a loaded machine a cold import can take many seconds; the
# function's own timeout starts only once it is done.
INIT_TIMEOUT_SECONDS = 120


class InvocationError(Exception):
    """The function raised, timed out, or its process died."""

    def __init__(self, kind: str, message: str, trace: str = "") -> None:
        super().__init__(f"{kind}: {message}")
        self.kind, self.message, self.trace = kind, message, trace


@dataclass
class WorkerStatus:
    function: str
    pid: int | None
    busy: bool
    invocations: int
    restarts: int


class Worker:
    def __init__(self, spec: FunctionSpec, env: Mapping[str, str]) -> None:
        self.spec = spec
        self._env = dict(env)
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._busy = False
        self._invocations = 0
        self._starts = 0
        self._pause_next: list[float] = []
        self._initialised = False

    def start(self) -> None:
        """Start the process (imports happen in the background: a warm-up)."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "onetrip_local.worker_main"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self._env,
            text=True,
            bufsize=1,
        )
        self._starts += 1
        self._initialised = False

    def pause_next(self, seconds: float, times: int = 1) -> None:
        self._pause_next.extend([seconds] * times)

    def invoke(self, event: Any) -> Any:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self.start()
            process = self._process
            assert process is not None and process.stdin and process.stdout
            self._await_init(process.stdout)
            context = LambdaContext.for_function(self.spec)
            request = {
                "event": event,
                "context": context.to_dict(),
                "pauseSeconds": self._pause_next.pop(0) if self._pause_next else 0,
            }
            self._busy = True
            self._invocations += 1
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
                line = self._read_reply(process.stdout, self.spec.timeout + request["pauseSeconds"])
            except BrokenPipeError:
                line = ""
            finally:
                self._busy = False
            if line is None or not line:
                # Like Lambda: the environment is discarded and a fresh one starts (its
                # imports run now, so the redelivered event meets a warm worker).
                self._kill()
                self.start()
            if line is None:
                raise InvocationError("Timeout", f"Task timed out after {self.spec.timeout} s")
            if not line:
                raise InvocationError("Runtime.ExitError", "the worker process died")
        reply = json.loads(line)
        if not reply["ok"]:
            raise InvocationError(reply["errorType"], reply["errorMessage"], reply["trace"])
        return reply["result"]

    def _await_init(self, stdout: IO[str]) -> None:
        """Wait out the cold import (Lambda's init phase, timed apart from invocations)."""
        if self._initialised:
            return
        line = self._read_reply(stdout, INIT_TIMEOUT_SECONDS)
        if not line:
            self._kill()
            self.start()
            raise InvocationError("Runtime.InitError", "the worker did not finish its init")
        self._initialised = True  # an import error is answered per invocation

    @staticmethod
    def _read_reply(stdout: IO[str], timeout: float) -> str | None:
        ready, _, _ = select.select([stdout], [], [], timeout)
        return stdout.readline() if ready else None

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()

    def status(self) -> WorkerStatus:
        alive = self._process is not None and self._process.poll() is None
        return WorkerStatus(
            function=self.spec.logical_id,
            pid=self._process.pid if alive and self._process else None,
            busy=self._busy,
            invocations=self._invocations,
            restarts=max(0, self._starts - 1),
        )

    def stop(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        if process.stdin:
            process.stdin.close()  # end of stdin: the worker leaves its loop
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class WorkerPool:
    def __init__(
        self,
        functions: Mapping[str, FunctionSpec],
        environments: Mapping[str, Mapping[str, str]],
        code_paths: Sequence[Path] = (),
    ) -> None:
        pythonpath = os.pathsep.join(
            str(p) for p in [*code_paths, REPO_ROOT / "functions", REPO_ROOT / "infra"]
        )
        self.workers: dict[str, Worker] = {}
        for logical_id, spec in functions.items():
            if not spec.runtime.startswith("python"):
                continue
            env = {k: os.environ[k] for k in _PASSED_THROUGH if k in os.environ}
            env.update(environments[logical_id])
            env.update(
                PYTHONPATH=pythonpath,
                PYTHONUNBUFFERED="1",
                ONETRIP_LOCAL_HANDLER=spec.handler,
            )
            self.workers[logical_id] = Worker(spec, env)

    def start_all(self) -> None:
        for worker in self.workers.values():
            worker.start()

    def invoke(self, function: str, event: Any) -> Any:
        return self.workers[function].invoke(event)

    def stop_all(self) -> None:
        threads = [threading.Thread(target=w.stop) for w in self.workers.values()]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 5
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
