"""A handler whose import outlasts the function timeout (a cold start on a busy machine)."""

from __future__ import annotations

import os
import time
from typing import Any

time.sleep(float(os.environ.get("PROBE_IMPORT_SECONDS", "0")))

if os.environ.get("PROBE_IMPORT_FAILS"):
    raise RuntimeError("the import failed")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"received": event}
