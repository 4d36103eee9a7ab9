"""`onetrip wallet` — a reference citizen wallet for the demo and the tests.

Keeps one holder key (EC P-256) in `.build/local/wallet-holder-key.pem` and the
credentials it fetched in `.build/local/wallet/<credentialId>.json`; talks to the API as
the citizen named by `--id-number` (a local dev token). A presentation is the SD-JWT with
the chosen disclosures and a KB-JWT for the verifier's audience and nonce (RFC 9901).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onetrip.vc.jws import LocalSigner
from onetrip.vc.sdjwt import present, unverified_claims

from onetrip_local.template import BUILD_DIR
from onetrip_local.tokens import mint


class WalletError(Exception):
    """The API refused, or the wallet has no such credential."""


def holder_signer(directory: Path = BUILD_DIR) -> LocalSigner:
    """The wallet's key, generated once (0600) and reused."""
    path = directory / "wallet-holder-key.pem"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        signer = LocalSigner.generate()
        partial = path.with_suffix(".tmp")
        partial.write_bytes(signer.to_pem())
        partial.chmod(0o600)
        partial.replace(path)
    return LocalSigner.from_pem(path.read_bytes())


@dataclass
class Wallet:
    url: str
    id_number: str
    directory: Path = BUILD_DIR

    @property
    def store(self) -> Path:
        return self.directory / "wallet"

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        token = mint(["citizen"], sub=f"wallet-{self.id_number[-4:]}", id_number=self.id_number,
                     directory=self.directory)  # fmt: skip
        request = urllib.request.Request(
            self.url.rstrip("/") + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise WalletError(f"{error.code}: {error.read().decode()}") from None

    def _keep(self, record: dict[str, Any]) -> dict[str, Any]:
        self.store.mkdir(parents=True, exist_ok=True)
        (self.store / f"{record['credentialId']}.json").write_text(json.dumps(record))
        return record

    def issue(self, type_: str) -> dict[str, Any]:
        """Ask for a credential of this type, bound to the wallet's key."""
        holder = holder_signer(self.directory).public_jwk()
        jwk = {k: holder[k] for k in ("kty", "crv", "x", "y")}
        return self._keep(self._call("POST", "/credentials", {"type": type_, "holderJwk": jwk}))

    def fetch(self, credential_id: str) -> dict[str, Any]:
        return self._keep(self._call("GET", f"/credentials/{credential_id}"))

    def listing(self) -> list[dict[str, Any]]:
        """The wallet as the issuer sees it; keeps every credential fetched."""
        return [self._keep(record) for record in self._call("GET", "/credentials")]

    def kept(self, credential_id: str) -> dict[str, Any]:
        path = self.store / f"{credential_id}.json"
        if not path.exists():
            raise WalletError(f"no credential {credential_id} in the wallet: fetch it first")
        record: dict[str, Any] = json.loads(path.read_text())
        return record

    def claims(self, credential_id: str) -> dict[str, Any]:
        """What the credential says (the holder's own view: issuer payload + disclosures)."""
        return unverified_claims(self.kept(credential_id)["credential"])

    def presentation(
        self, credential_id: str, disclose: list[str], *, audience: str, nonce: str
    ) -> str:
        return present(
            self.kept(credential_id)["credential"], disclose,
            holder=holder_signer(self.directory), aud=audience, nonce=nonce, iat=int(time.time()),
        )  # fmt: skip

    def request(self, verification_id: str) -> dict[str, Any]:
        """A venue's request, as the wallet shows it before the citizen consents."""
        return dict(self._call("GET", f"/verifications/{verification_id}/request"))

    def respond(self, verification_id: str, credential_id: str) -> dict[str, Any]:
        """Disclose exactly what the venue asked for, bound to its nonce and audience."""
        asked = self.request(verification_id)
        shown = self.presentation(
            credential_id, asked["claims"], audience=asked["audience"], nonce=asked["nonce"]
        )
        path = f"/verifications/{verification_id}/presentation"
        return dict(self._call("POST", path, {"presentation": shown}))

    def activity(self) -> list[dict[str, Any]]:
        """Who saw what of the citizen's credentials (names, never values)."""
        return list(self._call("GET", "/credentials/activity"))
