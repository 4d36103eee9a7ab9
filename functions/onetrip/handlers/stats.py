"""Lambda entry for the /stats/petitions route."""

from onetrip.api.app import http_entry
from onetrip.api.routes import stats

app, handler = http_entry(stats.router)
