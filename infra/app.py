"""`cdk synth` entry point (cdk.json "app")."""

from onetrip_infra.app import create_app

create_app().synth()
