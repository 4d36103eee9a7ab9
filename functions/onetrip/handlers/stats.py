"""Lambda entry for the /stats/petitions route."""

from onetrip.api.app import http_entry
from onetrip.api.routes import stats
from onetrip.handlers import wiring

app, handler = http_entry(stats.router, stores=wiring.stats)
