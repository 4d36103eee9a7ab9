"""The browser fixtures themselves: chromium reaches the served local cloud."""

from __future__ import annotations

import json
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.conftest import ServedApi


def test_chromium_reads_a_route_of_the_served_cloud(
    browser: WebDriver, served_api: ServedApi
) -> None:
    browser.get(f"{served_api.url}/health")
    assert json.loads(browser.find_element(By.TAG_NAME, "body").text) == {"status": "ok"}


def test_a_minted_token_passes_the_local_authorizer(served_api: ServedApi) -> None:
    token = served_api.token({"sub": "ops-user", "cognito:groups": ["ops"]})
    request = urllib.request.Request(
        f"{served_api.url}/credential-types", headers={"authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        types = json.load(response)
    assert response.status == 200
    assert "resident_id" in {t["type"] for t in types}
