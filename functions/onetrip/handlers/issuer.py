"""Lambda entry for issuer metadata and key rotation."""

from onetrip.api.app import http_entry
from onetrip.api.routes import issuer
from onetrip.handlers import wiring

app, handler = http_entry(issuer.router, stores=wiring.credentials)
