"""The dependency layer: third-party packages for arm64/python3.13, built without Docker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling, aws_lambda
from constructs import Construct

from onetrip_infra import config

# The Lambda runtime ships these; pip pulls them in via aws-xray-sdk, and they are most of
# the layer's size (botocore alone is ~32 MB of a 250 MB unzipped limit).
_PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer")


@jsii.implements(ILocalBundling)
class PipPlatformInstall:
    """CDK local bundling: `pip install --platform` for Lambda's OS and CPU, so no build
    container is needed (DESIGN.md, "arm64, zip packages")."""

    def __init__(self, source: Path) -> None:
        self._requirements = source / "requirements.txt"

    # jsii calls back with the BundlingOptions struct as a positional argument.
    def try_bundle(self, output_dir: str, _options: Any = None, **_kwargs: Any) -> bool:
        target = Path(output_dir) / "python"
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install",
                "--quiet", "--disable-pip-version-check",
                "-r", str(self._requirements),
                "--platform", "manylinux2014_aarch64",
                "--only-binary=:all:",
                "--python-version", "3.13",
                "--implementation", "cp",
                "--target", str(target),
            ],
            check=True,
        )  # fmt: skip
        for entry in target.iterdir():
            if entry.name.split("-")[0] in _PROVIDED_BY_RUNTIME:
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        return True


class DependencyLayer(Construct):
    """One layer shared by every function (Powertools, pydantic, python-stdnum, PynamoDB).

    Synth with context `{"aws:cdk:bundling-stacks": []}` (tests, the local runtime) and
    CDK skips bundling altogether: no pip, the template still references the layer.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.layer = aws_lambda.LayerVersion(
            self,
            "Layer",
            code=aws_lambda.Code.from_asset(
                str(config.LAYER_DIR),
                bundling=BundlingOptions(
                    # Only used if local bundling declined; ours never does.
                    image=DockerImage.from_registry("public.ecr.aws/sam/build-python3.13"),
                    local=PipPlatformInstall(config.LAYER_DIR),
                ),
            ),
            compatible_runtimes=[config.RUNTIME],
            compatible_architectures=[config.ARCHITECTURE],
            description="onetrip third-party dependencies (layers/requirements.txt)",
        )
        config.pin_logical_id(self.layer, "DependencyLayer")
