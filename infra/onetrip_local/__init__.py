"""The local runtime: the whole system on one machine, provisioned from the CDK template.

template.py    synth (cached in .build/local/) and intrinsic resolution
provision.py   template → moto resources + a Topology for the emulators (or a clear error)
expressions.py rate()/cron()/at() schedule expressions
triggers.py    Lambda context, SQS and Scheduler events, function environments
apigw.py       HTTP API emulation: routes, JWT claims rendering, payload 2.0, responses
tokens.py      local dev identity provider (RS256) and the authorizer's checks
esm.py         one SQS event source mapping batch: receive, invoke, settle
harness.py     LocalCloud: in-process, test-driven (pytest fixtures in tests/conftest.py)
workers.py, worker_main.py, pollers.py, scheduler.py, server.py, runtime.py
               `onetrip local`: worker processes, poller and scheduler threads, HTTP
cli.py         `onetrip local | token | remind`;  seed.py  the --seed demo city
"""
