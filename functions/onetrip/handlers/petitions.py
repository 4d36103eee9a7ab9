"""Lambda entry for the /petitions routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import petitions
from onetrip.handlers import wiring

app, handler = http_entry(petitions.router, stores=wiring.petition_workflow)
