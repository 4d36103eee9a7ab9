"""Lambda entry for the /identity-changes routes."""

from onetrip.api.app import http_entry
from onetrip.api.routes import identity_changes

app, handler = http_entry(identity_changes.router)
