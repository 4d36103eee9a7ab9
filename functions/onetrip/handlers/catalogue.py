"""Lambda entry for the /abolished-proofs routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import catalogue

app, handler = http_entry(catalogue.router)
