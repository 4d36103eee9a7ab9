"""A real headless browser against the session's local cloud served over real HTTP.

`served_api` serves the in-process `cloud` (routes, authorizer, functions, the CDN's
static behaviours) on a free loopback port, exactly as `onetrip local` answers; its
`token(claims)` mints a bearer token the local authorizer accepts. `browser` is Selenium
driving Debian's `chromium` through `chromium-driver`, headless. `make test` installs both
when they are missing and it runs as root; otherwise the fixture fails and says how.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from onetrip_local.apigw import ApiResult, HttpRequest, problem_result
from onetrip_local.harness import LocalCloud
from onetrip_local.server import LocalHttpServer
from onetrip_local.tokens import KEY_ID, LOCAL_AUDIENCE, LOCAL_ISSUER, private_key_pem
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

INSTALL_HINT = (
    "The browser tests need Debian's chromium and chromium-driver: "
    "`sudo apt-get install -y chromium chromium-driver` (make test does this itself "
    "when it runs as root)."
)


@dataclass(frozen=True)
class ServedApi:
    url: str

    def token(self, claims: Mapping[str, Any], lifetime: int = 3600) -> str:
        """A token for these claims (`tests.builders.claims(...)`), as the IdP would sign it."""
        now = int(time.time())
        payload = {
            "iss": LOCAL_ISSUER, "aud": LOCAL_AUDIENCE, "iat": now, "exp": now + lifetime,
            "token_use": "id", **claims,
        }  # fmt: skip
        return jwt.encode(payload, private_key_pem(), algorithm="RS256", headers={"kid": KEY_ID})


def _no_admin(request: HttpRequest) -> ApiResult:
    return problem_result(404, "Not Found", "No admin routes when a test serves the cloud.")


@pytest.fixture(scope="session")
def served_api(cloud: LocalCloud) -> Iterator[ServedApi]:
    server = LocalHttpServer(0, cloud.serve, _no_admin)
    thread = threading.Thread(target=server.serve_forever, name="served-api", daemon=True)
    thread.start()
    yield ServedApi(f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[WebDriver]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(flag)
    # An explicit driver path: Selenium Manager would otherwise try to download one.
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(30)
    yield chrome
    chrome.quit()
