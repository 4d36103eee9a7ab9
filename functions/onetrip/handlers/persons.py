"""Lambda entry for the /persons routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import persons
from onetrip.handlers import wiring

app, handler = http_entry(persons.router, stores=wiring.registry)
