"""Lambda entry for the /tasks routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import tasks
from onetrip.handlers import wiring

app, handler = http_entry(tasks.router, stores=wiring.petition_workflow)
