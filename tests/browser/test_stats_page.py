"""The leaders' chart page (GET /stats) in headless Chromium against the local API over
HTTP: a known history is seeded, a token typed in, and what the page draws — the KPI
table, the monthly bars, the district ranking — is compared with figures computed here
from the history itself. The page runs only if its Content-Security-Policy lets its own
inline script run, so a wrong hash fails these tests too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import ServedApi
from tests.builders import claims
from tests.scoreboard_history import (
    GeneratedApplication,
    GeneratedPetition,
    expected_ranking,
    generate,
    store,
)

YEAR, MONTHS = 2024, range(1, 7)  # January to June, compared with the same months of 2023
History = tuple[list[GeneratedPetition], list[GeneratedApplication]]


@pytest.fixture(scope="module")
def history(cloud: Any) -> Iterator[History]:
    """Given half a year of petitions and applications, and the same months a year before,
    stored and counted by the scoreboard consumer."""
    petitions, applications = generate(seed=2024, years=(YEAR - 1, YEAR), months=MONTHS)
    cloud.reset()
    store(cloud, petitions, applications)
    yield petitions, applications
    cloud.reset()  # the session's other tests count records of their own


def _show(browser: WebDriver, served_api: ServedApi, token: str, compare_to: str) -> str:
    """Open the page, type the token and the months, press 显示; the status line after."""
    browser.get(f"{served_api.url}/stats")
    browser.find_element(By.ID, "token").send_keys(token)
    for field, value in (("from", f"{YEAR}-{MONTHS[0]:02d}"), ("to", f"{YEAR}-{MONTHS[-1]:02d}")):
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    Select(browser.find_element(By.ID, "compareTo")).select_by_value(compare_to)
    browser.find_element(By.ID, "show").click()
    status = browser.find_element(By.ID, "status")
    WebDriverWait(browser, 30).until(lambda _: status.get_attribute("class") in ("ok", "error"))
    return str(status.text)


def _bars(browser: WebDriver, chart: str, series: str) -> dict[str, int]:
    bars = browser.find_elements(By.CSS_SELECTOR, f"#{chart} rect[data-series='{series}']")
    return {b.get_attribute("data-month"): int(b.get_attribute("data-value")) for b in bars}


def _per_month(items: list[Any], year: int) -> dict[str, int]:
    return {f"{year}-{m:02d}": sum(i.year == year and i.month == m for i in items) for m in MONTHS}


def test_the_page_draws_the_figures_of_the_history(
    browser: WebDriver, served_api: ServedApi, history: History
) -> None:
    petitions, applications = history

    status = _show(browser, served_api, served_api.token(claims("leader")), "previous_year")

    assert status == "已更新"
    # The monthly bars: this year's and last year's months, one bar each.
    assert _bars(browser, "chart-petitions", "current") == _per_month(petitions, YEAR)
    assert _bars(browser, "chart-petitions", "previous") == _per_month(petitions, YEAR - 1)
    assert _bars(browser, "chart-identity", "current") == _per_month(applications, YEAR)
    assert _bars(browser, "chart-identity", "previous") == _per_month(applications, YEAR - 1)
    # The KPI table: total petitions now, a year before, and the change in per cent.
    now = sum(p.year == YEAR for p in petitions)
    before = sum(p.year == YEAR - 1 for p in petitions)
    row = browser.find_element(By.CSS_SELECTOR, "#kpis tr[data-figure='petitions.total']")
    cells = {c.get_attribute("class"): c.text for c in row.find_elements(By.TAG_NAME, "td")}
    assert (int(cells["value"]), int(cells["previous"])) == (now, before)
    assert float(cells["change"].rstrip("%")) == round((now - before) / before * 100, 1)
    # The ranking: table rows and score bars, best first.
    expected = expected_ranking(petitions, applications, YEAR)
    rows = browser.find_elements(By.CSS_SELECTOR, "#ranking tbody tr")
    assert [
        (int(r.find_element(By.CLASS_NAME, "rank").text),
         r.find_element(By.CLASS_NAME, "district").text,
         int(r.find_element(By.CLASS_NAME, "score").text))
        for r in rows
    ] == expected  # fmt: skip
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart-ranking rect[data-district]")
    drawn = [(b.get_attribute("data-district"), int(b.get_attribute("data-value"))) for b in bars]
    assert drawn == [(district, score) for _, district, score in expected]


def test_a_token_without_a_readers_role_draws_nothing(
    browser: WebDriver, served_api: ServedApi, history: History
) -> None:
    status = _show(browser, served_api, served_api.token(claims("clerk")), "previous_period")

    assert status.startswith("未能读取：403")
    assert not browser.find_element(By.ID, "board").is_displayed()
