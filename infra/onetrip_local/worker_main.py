"""A function's worker process: imports the handler once, then serves invocations.

Protocol: a `{"ready": ...}` line once the handler is imported (the init phase), then
one JSON request per line on stdin, one JSON reply per line on a private copy of stdout.
The real stdout is pointed at stderr so the function's logs (Powertools writes JSON
lines to stdout) reach the console without corrupting the protocol. End of stdin —
including the runtime dying — ends the worker.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any

from onetrip_local.triggers import LambdaContext


def main() -> None:
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    handler, init_error = _init()
    # Like Lambda's init phase: the cold import is over before any invocation's timeout
    # starts counting, so a slow import on a busy machine is not a function timeout.
    replies.write(json.dumps({"ready": init_error is None}) + "\n")
    replies.flush()
    for line in sys.stdin:
        request = json.loads(line)
        reply = init_error or _invoke(handler, request)
        replies.write(json.dumps(reply, default=str) + "\n")
        replies.flush()


def _init() -> tuple[Any, dict[str, Any] | None]:
    module_name, _, attr = os.environ["ONETRIP_LOCAL_HANDLER"].rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attr), None
    except Exception as error:  # noqa: BLE001 - reported on every invocation, as Lambda does
        traceback.print_exc()
        return None, {
            "ok": False,
            "errorType": "Runtime.ImportModuleError",
            "errorMessage": f"{type(error).__name__}: {error}",
            "trace": traceback.format_exc(),
        }


def _invoke(handler: Any, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("pauseSeconds"):
        # Fault injection (POST /_local/faults): hold the batch so a test can kill us.
        time.sleep(float(request["pauseSeconds"]))
    context = LambdaContext(**request["context"])
    try:
        return {"ok": True, "result": handler(request["event"], context)}
    except Exception as error:
        traceback.print_exc()
        return {
            "ok": False,
            "errorType": type(error).__name__,
            "errorMessage": str(error),
            "trace": traceback.format_exc(),
        }


if __name__ == "__main__":
    main()
