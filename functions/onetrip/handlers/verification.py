"""Lambda entry for /venues, /verifications and the /venue desk page."""

from onetrip.api.app import http_entry
from onetrip.api.routes import verification
from onetrip.handlers import wiring

app, handler = http_entry(verification.router, stores=wiring.verification)
