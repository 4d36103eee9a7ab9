"""Library log lines that would print request or response data keep their text but lose
the data (PIPL: least data in every log line, at every level).

At DEBUG — which an operator switches on to troubleshoot — botocore prints every request's
parameters and every response body, and the Powertools resolver prints each route's
arguments: DynamoDB items and request bodies with names and ID numbers. Raising those
loggers' level would only hide the problem until someone lowers it again; these filters
remove the data from the record itself, so no handler and no level can show it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

WITHHELD = "<withheld: may carry personal data>"

# Logger -> the start of each message template that prints a body or arguments.
BODY_LINES: Mapping[str, tuple[str, ...]] = {
    "botocore.endpoint": ("Making request for",),  # "... %s with params: %s"
    "botocore.parsers": ("Response body",),
    "aws_lambda_powertools.event_handler.api_gateway": ("Calling API Route Handler",),
    "pynamodb.connection.base": ("Calling",),  # "Calling %s with arguments %s"
}


class WithholdData(logging.Filter):
    """Keeps a matching line (what happened) and replaces its data with WITHHELD; only a
    botocore operation model (the API call's name) is kept."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self._prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        template = str(record.msg)
        if not template.startswith(self._prefixes):
            return True
        if record.args:
            record.args = tuple(
                arg if type(arg).__name__ == "OperationModel" else WITHHELD
                for arg in (record.args if isinstance(record.args, tuple) else (record.args,))
            )
        else:  # an f-string: everything after the prefix is data
            prefix = next(p for p in self._prefixes if template.startswith(p))
            record.msg = f"{prefix}: {WITHHELD}"
        return True


def withhold_library_data() -> None:
    """Attach the filters (idempotent: a warm start or a second import adds none)."""
    for name, prefixes in BODY_LINES.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, WithholdData) for f in logger.filters):
            logger.addFilter(WithholdData(prefixes))
