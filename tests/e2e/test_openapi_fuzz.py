"""Schemathesis (`st run --checks all`, all but `unsupported_method`: API Gateway answers
an undeclared method with 404, not 405) against the running local runtime and the OpenAPI
document it serves: every operation in it, so every route there is, with no list here.

Each case carries a valid token of a role drawn for it (tests/e2e/fuzz_hooks.py). Zero
failures means: no 5xx; every status, media type and body as documented; schema-invalid
requests refused; schema-valid ones accepted, except a 422 for one of the rules the
operation lists in `x-rules-beyond-schema` (checked by the hooks' own check: the problem
must name only those fields).

`make test` runs a bounded run with a fixed seed (the generated cases only, the same
requests each time); the `soak` run adds the coverage phase's boundary cases and the
stateful phase and generates more per operation (figures in docs/reliability.md).
`ONETRIP_URL=http://127.0.0.1:3000` fuzzes a runtime that is already running.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

HOOKS = Path(__file__).with_name("fuzz_hooks.py")
ST = Path(sys.executable).parent / "st"
_POSITIVE_ACCEPTS = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


@pytest.fixture(scope="module")
def base_url(request: pytest.FixtureRequest) -> str:
    url = os.environ.get("ONETRIP_URL")
    if url:
        return url.rstrip("/")
    return str(request.getfixturevalue("local").url)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _config(document: dict[str, Any]) -> str:
    """Per operation with rules beyond its schema: a 422 does not fail
    positive_data_acceptance (the hooks' check judges it instead)."""
    statuses = json.dumps([*_POSITIVE_ACCEPTS, "422"])
    tables = [
        f'[[operations]]\ninclude-path = "{path}"\ninclude-method = "{method}"\n'
        f"checks.positive_data_acceptance.expected-statuses = {statuses}\n"
        for method, path, operation in _operations(document)
        if operation.get("x-rules-beyond-schema")
    ]
    return "\n".join(tables)


def fuzz(
    base_url: str, tmp_path: Path, *, max_examples: int, seed: int, phases: str
) -> dict[str, int]:
    """Run schemathesis; its figures (operations tested, cases generated)."""
    with urllib.request.urlopen(f"{base_url}/openapi.json", timeout=30) as response:
        document = json.load(response)
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(document))
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS), "ONETRIP_FUZZ_SEED": str(seed)}
    done = subprocess.run(
        [str(ST), "--config-file", str(config), "run", f"{base_url}/openapi.json",
         "--checks", "all", "--exclude-checks", "unsupported_method",
         "--phases", phases, "--max-examples", str(max_examples), "--seed", str(seed),
         "--request-timeout", "60", "--no-color"],
        capture_output=True, text=True, env=env, timeout=1800,
    )  # fmt: skip
    output = done.stdout + done.stderr
    print(output[-4000:])
    assert done.returncode == 0, output[-20000:]
    tested = re.search(r"Tested: (\d+)", output)
    generated = re.search(r"([\d,]+) generated", output)
    assert tested and generated, output[-3000:]
    figures = {
        "operations": len(_operations(document)),
        "tested": int(tested.group(1)),
        "generated": int(generated.group(1).replace(",", "")),
    }
    assert figures["tested"] == figures["operations"], figures
    return figures


def test_every_operation_answers_as_documented(base_url: str, tmp_path: Path) -> None:
    # Generated cases only (the coverage phase's boundary cases run in the soak)
    figures = fuzz(base_url, tmp_path, max_examples=8, seed=14, phases="fuzzing")
    assert figures["generated"] >= 200, figures


@pytest.mark.soak
def test_a_thousand_requests_and_more_answer_as_documented(base_url: str, tmp_path: Path) -> None:
    phases = "examples,coverage,fuzzing,stateful"
    figures = fuzz(base_url, tmp_path, max_examples=25, seed=1014, phases=phases)
    print(f"fuzz figures: {figures}")
    assert figures["generated"] >= 1000, figures
