"""Lambda entry for the /petitions routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import petitions

app, handler = http_entry(petitions.router)
