"""The venue desk page in headless chromium: a hotel signs in with its token, asks for its
row of claims, shows the QR code; the citizen's wallet presents through the API; the page
shows the verdict check by check and the disclosed claims."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import ServedApi
from tests.support.identity_flow import IdentityDesk
from tests.support.verification_flow import HOTEL_CLAIMS, VenueDesk, present, send
from tests.support.wallet_flow import Wallet, citizen, holder_key

CHECKS = ["signature", "issuer", "notExpired", "status", "holderBinding", "nonce",
          "onlyRequestedClaims"]  # fmt: skip


def test_a_hotel_desk_verifies_a_citizen_check_by_check(
    cloud: Any, browser: WebDriver, served_api: ServedApi
) -> None:
    # Given a registered hotel and a citizen with a resident ID bound to their wallet key
    hotel = VenueDesk.register(cloud, "hotel", "四明山庄")
    person = IdentityDesk(cloud).register(surname="林", givenName="静")
    key, jwk = holder_key()
    credential = Wallet(cloud).issued(person, holderJwk=jwk)["credential"]
    wait = WebDriverWait(browser, 15)

    # When the desk signs in with its token
    browser.get(f"{served_api.url}/venue")
    browser.find_element(By.ID, "token").send_keys(served_api.token(hotel.caller))
    browser.find_element(By.ID, "signin-button").click()
    wait.until(expected_conditions.visibility_of_element_located((By.ID, "ask")))
    assert browser.find_element(By.ID, "venue-name").text == "四明山庄"
    offered = [b.get_attribute("value") for b in browser.find_elements(By.NAME, "claim")]
    assert offered == ["surname", "givenName", "gender", "idNumber"]  # the hotel's row only

    # And shows a request as a QR code
    browser.find_element(By.ID, "create").click()
    wait.until(lambda d: d.find_element(By.ID, "verification-id").text.startswith("ver_"))
    verification_id = browser.find_element(By.ID, "verification-id").text
    qr = browser.find_element(By.CSS_SELECTOR, "#qr img")
    assert qr.get_attribute("src").startswith("blob:")
    wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", qr) > 0)
    assert browser.find_element(By.ID, "status").text == "pending"

    # And the citizen's wallet presents what the request asks for
    asked = cloud.api("GET", f"/verifications/{verification_id}/request",
                      claims=citizen(person)).json  # fmt: skip
    assert sorted(asked["claims"]) == sorted(HOTEL_CLAIMS)
    shown = present(key, credential, asked["claims"], aud=asked["audience"], nonce=asked["nonce"])
    assert send(cloud, verification_id, citizen(person), shown).json["status"] == "verified"

    # Then the page shows the verdict, every check, and the four disclosed values
    wait.until(lambda d: d.find_element(By.ID, "status").text == "verified")
    rows = browser.find_elements(By.CSS_SELECTOR, "#checks tbody tr")
    assert [(r.get_attribute("data-check"), r.find_elements(By.TAG_NAME, "td")[1].text)
            for r in rows] == [(name, "valid") for name in CHECKS]  # fmt: skip
    disclosed = {
        r.get_attribute("data-claim"): r.find_elements(By.TAG_NAME, "td")[1].text
        for r in browser.find_elements(By.CSS_SELECTOR, "#disclosed tbody tr")
    }
    assert disclosed == {"surname": "林", "givenName": "静", "gender": person["gender"],
                         "idNumber": person["idNumber"]}  # fmt: skip


def test_a_token_without_a_venue_is_refused_at_sign_in(
    browser: WebDriver, served_api: ServedApi
) -> None:
    browser.get(f"{served_api.url}/venue")
    token = served_api.token({"sub": "not-a-venue", "cognito:groups": ["venue"]})
    browser.find_element(By.ID, "token").send_keys(token)
    browser.find_element(By.ID, "signin-button").click()
    WebDriverWait(browser, 10).until(
        lambda d: "Sign-in failed" in d.find_element(By.ID, "message").text
    )
    assert not browser.find_element(By.ID, "ask").is_displayed()
