"""Lambda entry for /credential-types and /credentials routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import credentials
from onetrip.handlers import wiring

app, handler = http_entry(credentials.router, stores=wiring.credentials)
