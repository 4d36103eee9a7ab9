"""Lambda entry for issuer metadata and key rotation."""

from onetrip.api.app import http_entry
from onetrip.api.routes import issuer

app, handler = http_entry(issuer.router)
