"""Lambda entry for /health, /openapi.json and /docs (no authorizer)."""

from onetrip.api.app import http_entry
from onetrip.api.routes import docs

app, handler = http_entry(docs.router)
