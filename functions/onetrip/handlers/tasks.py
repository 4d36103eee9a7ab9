"""Lambda entry for the /tasks routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import tasks

app, handler = http_entry(tasks.router)
