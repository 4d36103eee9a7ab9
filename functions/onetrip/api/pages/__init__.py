"""Static pages the API serves as text/html (the leaders' chart page).

A page is `<name>.html` with its `<name>.css` and `<name>.js` inlined, and a
Content-Security-Policy that names exactly those two by their SHA-256: the page runs no
other script, loads nothing from elsewhere and talks only to this API (`connect-src
'self'`) — it holds a staff token, typed in by hand.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response

_HERE = Path(__file__).parent


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@lru_cache(maxsize=4)
def page(name: str) -> tuple[str, dict[str, str]]:
    """The page's HTML and the headers it is served with."""
    css = (_HERE / f"{name}.css").read_text(encoding="utf-8")
    js = (_HERE / f"{name}.js").read_text(encoding="utf-8")
    html = (_HERE / f"{name}.html").read_text(encoding="utf-8")
    html = html.replace("/*STYLE*/", css, 1).replace("/*SCRIPT*/", js, 1)
    policy = (
        f"default-src 'none'; script-src {_digest(js)}; style-src {_digest(css)}; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }
    return html, headers


def html_page(name: str) -> Response[Any]:
    html, headers = page(name)
    return Response(
        status_code=200, content_type="text/html; charset=utf-8", body=html, headers=headers
    )
