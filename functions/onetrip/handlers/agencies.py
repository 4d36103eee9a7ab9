"""Lambda entry for the /agencies routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import agencies
from onetrip.handlers import wiring

app, handler = http_entry(agencies.router, stores=wiring.agencies)
