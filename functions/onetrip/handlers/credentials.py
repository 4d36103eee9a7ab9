"""Lambda entry for /credential-types and /credentials routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import credentials

app, handler = http_entry(credentials.router)
