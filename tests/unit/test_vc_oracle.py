"""Interoperability with the OWF reference implementation (`sd-jwt` 0.10.4) as an oracle.

It checks formats (digests, sd_hash, KB-JWT shape), not security: it ignores exp and KB
iat by design, so security failures are tested in test_vc_verify.py.
"""

from __future__ import annotations

import time

from jwcrypto.jwk import JWK
from onetrip.vc.jws import LocalSigner
from onetrip.vc.sdjwt import present
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from tests.credentials import AUDIENCE, ISSUER, NONCE, RESIDENT_ID, STATUS_URI, Issuer


def _jwk(signer: LocalSigner, private: bool = False) -> JWK:
    return JWK.from_pem(signer.to_pem()) if private else JWK(**signer.public_jwk())


def test_our_credential_and_presentation_verify_with_the_reference_verifier() -> None:
    issuer, holder = Issuer(), LocalSigner.generate()
    now = int(time.time())
    credential = issuer.issue(holder, iat=now - 60, exp=now + 3600)
    shown = present(
        credential, ["surname", "ageOver60"], holder=holder, aud=AUDIENCE, nonce=NONCE, iat=now
    )

    verifier = SDJWTVerifier(
        shown,
        lambda iss, header: _jwk(issuer.signer) if header["kid"] == issuer.signer.kid else None,
        expected_aud=AUDIENCE,
        expected_nonce=NONCE,
    )

    claims = verifier.get_verified_payload()
    assert claims["surname"] == "李" and claims["ageOver60"] is False
    assert not (set(RESIDENT_ID) - {"surname", "ageOver60"}) & set(claims)
    assert claims["cnf"]["jwk"]["x"] == holder.public_jwk()["x"]


def test_a_presentation_built_by_the_reference_holder_verifies_with_ours() -> None:
    issuer, holder = Issuer(), LocalSigner.generate()
    now = int(time.time())
    credential = issuer.issue(holder, iat=now - 60, exp=now + 3600)

    reference = SDJWTHolder(credential)
    reference.create_presentation(
        {"idNumber": True, "ageOver18": True}, NONCE, AUDIENCE, _jwk(holder, private=True), "ES256"
    )

    result = issuer.verify(reference.sd_jwt_presentation, ["idNumber", "ageOver18"], now=now)
    assert result.verdict == "verified", result.checks
    assert result.claims == {"idNumber": RESIDENT_ID["idNumber"], "ageOver18": True}


def test_a_credential_issued_by_the_reference_issuer_presents_and_verifies_with_ours() -> None:
    issuer, holder = Issuer(), LocalSigner.generate()
    now = int(time.time())
    user_claims = {
        "iss": ISSUER,
        "vct": "https://onetrip.example/credentials/resident_id",
        "iat": now - 60,
        "exp": now + 3600,
        "status": {"status_list": {"idx": 3, "uri": STATUS_URI}},
        **{SDObj(name): value for name, value in RESIDENT_ID.items()},
    }
    reference = SDJWTIssuer(
        user_claims,
        _jwk(issuer.signer, private=True),
        holder_key=_jwk(holder),
        sign_alg="ES256",
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": issuer.signer.kid},
    )

    shown = present(
        reference.sd_jwt_issuance, ["ageOver18"], holder=holder, aud=AUDIENCE, nonce=NONCE, iat=now
    )

    result = issuer.verify(shown, ["ageOver18"], now=now)
    assert result.verdict == "verified", result.checks
    assert result.claims == {"ageOver18": True}
