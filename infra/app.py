"""`cdk synth` entry point (cdk.json "app"); `python infra/app.py` also works.

The CDK CLI sets CDK_OUTDIR and CDK_CONTEXT_JSON; run directly, the assembly goes to
cdk.out/ (context then only from CDK_CONTEXT_JSON, e.g. '{"region": "cn-north-1", ...}').
"""

import os

from onetrip_infra.app import create_app

create_app(outdir=None if "CDK_OUTDIR" in os.environ else "cdk.out").synth()
