"""Lambda entry for the /identity-changes routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import identity_changes
from onetrip.handlers import wiring

app, handler = http_entry(identity_changes.router, stores=wiring.identity)
