"""Verify an SD-JWT VC presentation: one result per check, never an exception.

`verify_presentation` runs each check on its own and reports it (OpenCerts style), and the
verdict is a rule over those results. A check whose input could not be trusted (its
prerequisite failed) is `skipped`, never `valid`: nothing read from a token whose
signature failed is reported as good. `claims` holds the disclosed claims only, and only
when the presentation is verified.

Checks, in order, and their frozen reason codes (never renamed or reused; `ok` when valid,
`not_checked` when skipped because an earlier check failed):

check                status   code                     meaning
format               invalid  not_a_string             the presentation is not text
                     invalid  too_large                over `max_size` bytes (64 KB)
                     invalid  tilde_structure          wrong `~` structure (no `~`, empty part, ...)
                     invalid  bad_base64url            a disclosure is not base64url
                     invalid  disclosure_not_json      a disclosure is not JSON
                     invalid  disclosure_shape         not [salt, name, value] with string salt/name
                     invalid  malformed_jwt            the issuer JWT header/payload does not decode
                     invalid  wrong_typ                issuer JWT `typ` is not `dc+sd-jwt`
signature            invalid  alg_not_allowed          `alg` is not ES256 (`none`, HS256, ...)
                     invalid  unknown_kid              no published issuer key has this `kid`
                     invalid  bad_signature            the issuer signature does not verify
                     error    bad_key                  the resolver's key is not a usable P-256 key
issuer               invalid  wrong_issuer             `iss` is not the expected issuer
credentialType       invalid  wrong_type               `vct` is not the requested credential type
                     skipped  not_required             no type was requested
notExpired           invalid  exp_missing              the credential has no `exp`
                     invalid  bad_time_claim           `exp`/`nbf`/`iat` is not an integer
                     invalid  expired                  `exp` is past
                     invalid  not_yet_valid            `nbf` is in the future
                     invalid  issued_in_future         `iat` is in the future
status               invalid  status_claim_missing     no `status.status_list {idx, uri}`
                     invalid  index_out_of_range       `idx` is not in the list
                     invalid  revoked                  status 1 (INVALID)
                     invalid  suspended                status 2 (SUSPENDED)
                     invalid  unknown_status           any other non-zero status
                     error    status_list_unavailable  no status list could be fetched or read
                     error    status_list_invalid      the status list token is unusable
holderBinding        invalid  kb_jwt_missing           no KB-JWT after the last `~`
                     invalid  credential_not_bound     the credential has no `cnf.jwk`
                     invalid  bad_holder_key           `cnf.jwk` is not an EC P-256 public key
                     invalid  wrong_typ                KB-JWT `typ` is not `kb+jwt`
                     invalid  malformed_jwt            the KB-JWT does not decode
                     invalid  alg_not_allowed          KB-JWT `alg` is not ES256
                     invalid  bad_signature            the KB-JWT is not signed by the `cnf` key
                     invalid  wrong_audience           KB-JWT `aud` is not this verifier's audience
                     invalid  iat_missing              KB-JWT has no integer `iat`
                     invalid  iat_stale                KB-JWT `iat` older than `max_kb_age`
                     invalid  iat_in_future            KB-JWT `iat` ahead of the clock (beyond skew)
                     skipped  not_required             holder binding not required and absent
nonce                invalid  nonce_mismatch           KB-JWT `nonce` is not the request's nonce
sdHash               invalid  sd_hash_mismatch         `sd_hash` does not cover this presentation
                     invalid  unsupported_sd_alg       `_sd_alg` is not sha-256
disclosures          invalid  duplicate_disclosure     a disclosure (or claim name) appears twice
                     invalid  digest_not_in_sd         a disclosure's digest is not in `_sd`
                     invalid  duplicate_digest         `_sd` lists a digest twice, or is not strings
                     invalid  claim_name_clash         a disclosure names an always-visible claim
                     invalid  unsupported_sd_alg       `_sd_alg` is not sha-256
onlyRequestedClaims  invalid  extra_claims             a claim was disclosed that was not requested
                     invalid  missing_claims           a requested claim was not disclosed
(any)                error    internal_error           a bug: reported, never raised

Verdict: `verified` when no check is `invalid` or `error` (skips are only `not_required`);
`rejected` when any check is `invalid`; otherwise `error` (e.g. no status list reachable:
the presentation may be fine, but it cannot be shown to be).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from onetrip.vc.jws import (
    ES256,
    JwsError,
    PublicKey,
    decode_payload,
    parse_public_jwk,
    split_compact,
    verify_compact,
)
from onetrip.vc.sdjwt import (
    KB_JWT_TYP,
    SD_ALG,
    SD_JWT_VC_TYP,
    Disclosure,
    SdJwtFormatError,
    sd_hash,
    split,
)
from onetrip.vc.status_list import Status, StatusList

CheckStatus = Literal["valid", "invalid", "error", "skipped"]
Verdict = Literal["verified", "rejected", "error"]

CHECKS = (
    "format",
    "signature",
    "issuer",
    "credentialType",
    "notExpired",
    "status",
    "holderBinding",
    "nonce",
    "sdHash",
    "disclosures",
    "onlyRequestedClaims",
)
MAX_PRESENTATION_BYTES = 65536
CLOCK_SKEW = 60  # seconds a wallet's clock may run ahead before its iat counts as future


class KeyResolver(Protocol):
    """The issuer's trusted public key (JWK or key) for `iss` and the JWT header (`kid`).

    Raises LookupError when there is none. This is where trust lives: the key embedded in
    a token is never used.
    """

    def __call__(self, iss: str, header: Mapping[str, Any]) -> Mapping[str, Any] | PublicKey: ...


@dataclass(frozen=True)
class ResolvedStatusList:
    status_list: StatusList
    age: int  # seconds since the list was issued (its token's `iat`)


class StatusResolver(Protocol):
    """The decoded status list at `uri`; LookupError if unreachable, ValueError if unusable."""

    def __call__(self, uri: str) -> ResolvedStatusList: ...


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: CheckStatus
    code: str
    detail: str = ""


@dataclass(frozen=True)
class VerificationResult:
    verdict: Verdict
    checks: tuple[CheckResult, ...]
    claims: dict[str, Any] = field(default_factory=dict)
    vct: str | None = None
    status_list_age: int | None = None

    @property
    def verified(self) -> bool:
        return self.verdict == "verified"

    def check(self, name: str) -> CheckResult:
        return next(c for c in self.checks if c.name == name)

    @property
    def failed(self) -> CheckResult | None:
        """The first check that was invalid (else the first error): what a venue is told."""
        for wanted in ("invalid", "error"):
            for check in self.checks:
                if check.status == wanted:
                    return check
        return None

    def summary(self) -> dict[str, str]:
        return {check.name: check.status for check in self.checks}


class _Failed(Exception):
    def __init__(self, code: str, detail: str, status: CheckStatus = "invalid") -> None:
        super().__init__(detail)
        self.code, self.detail, self.status = code, detail, status


@dataclass
class _Run:
    checks: dict[str, CheckResult] = field(default_factory=dict)

    def run(
        self, name: str, check: Callable[[], str | None], *, needs: Collection[str] = ()
    ) -> bool:
        blocked = [n for n in needs if self.checks.get(n) and self.checks[n].status != "valid"]
        if blocked:
            self.checks[name] = CheckResult(name, "skipped", "not_checked", f"{blocked[0]} failed")
            return False
        try:
            detail = check()
            self.checks[name] = CheckResult(name, "valid", "ok", detail or "")
        except _Failed as failure:
            self.checks[name] = CheckResult(name, failure.status, failure.code, failure.detail)
        except Exception as error:  # a bug must not turn a presentation into a 500
            self.checks[name] = CheckResult(name, "error", "internal_error", type(error).__name__)
        return self.checks[name].status == "valid"

    def skip(self, name: str, code: str, detail: str) -> None:
        self.checks[name] = CheckResult(name, "skipped", code, detail)


def verify_presentation(
    presentation: str,
    *,
    keys: KeyResolver,
    statuses: StatusResolver,
    expected_issuer: str,
    audience: str,
    nonce: str,
    requested_claims: Collection[str],
    now: int,
    max_kb_age: int = 300,
    max_size: int = MAX_PRESENTATION_BYTES,
    expected_vct: str | None = None,
    require_holder_binding: bool = True,
    clock_skew: int = CLOCK_SKEW,
) -> VerificationResult:
    """Every check of the module docstring, in order; times are Unix seconds from `now`."""
    state = _Presentation()
    run = _Run()
    run.run("format", lambda: state.read(presentation, max_size))
    run.run("signature", lambda: state.verify_issuer_signature(keys), needs=["format"])
    trusted = ["format", "signature"]
    run.run(
        "issuer",
        lambda: _same("iss", state.payload.get("iss"), expected_issuer, "wrong_issuer"),
        needs=trusted,
    )
    if expected_vct is None:
        run.skip("credentialType", "not_required", "no credential type was requested")
    else:
        run.run(
            "credentialType",
            lambda: _same("vct", state.payload.get("vct"), expected_vct, "wrong_type"),
            needs=trusted,
        )
    run.run("notExpired", lambda: _validity(state.payload, now, clock_skew), needs=trusted)
    run.run("status", lambda: state.check_status(statuses), needs=trusted)
    if state.kb_jwt is None and not require_holder_binding:
        for name in ("holderBinding", "nonce", "sdHash"):
            run.skip(name, "not_required", "holder binding not required and absent")
    else:
        run.run(
            "holderBinding",
            lambda: state.verify_holder(audience, now, max_kb_age, clock_skew),
            needs=trusted,
        )
        if state.kb_payload is None:  # the KB-JWT's signature was not shown: trust none of it
            for name in ("nonce", "sdHash"):
                run.skip(name, "not_checked", "holderBinding failed")
        else:
            kb_nonce = state.kb_payload.get("nonce")
            run.run("nonce", lambda: _same("nonce", kb_nonce, nonce, "nonce_mismatch"))
            run.run("sdHash", state.check_sd_hash)
    run.run("disclosures", state.check_disclosures, needs=trusted)
    run.run(
        "onlyRequestedClaims",
        lambda: state.check_requested(requested_claims),
        needs=[*trusted, "disclosures"],
    )

    checks = tuple(run.checks[name] for name in CHECKS)
    verdict = _verdict(checks)
    return VerificationResult(
        verdict=verdict,
        checks=checks,
        claims={d.name: d.value for d in state.disclosures} if verdict == "verified" else {},
        vct=state.payload.get("vct") if run.checks["signature"].status == "valid" else None,
        status_list_age=state.status_list_age,
    )


def _verdict(checks: tuple[CheckResult, ...]) -> Verdict:
    statuses = {check.status for check in checks}
    if "invalid" in statuses:
        return "rejected"
    if "error" in statuses or any(
        c.status == "skipped" and c.code != "not_required" for c in checks
    ):
        return "error"
    return "verified"


def _same(claim: str, actual: Any, expected: str, code: str) -> str:
    if actual != expected:
        raise _Failed(code, f"{claim} is {actual!r}, expected {expected!r}")
    return f"{claim} {expected}"


def _validity(payload: Mapping[str, Any], now: int, clock_skew: int) -> str:
    times = {name: payload.get(name) for name in ("exp", "nbf", "iat")}
    if times["exp"] is None:
        raise _Failed("exp_missing", "the credential has no expiry")
    for name, value in times.items():
        if value is not None and (type(value) is not int):
            raise _Failed("bad_time_claim", f"{name} is not an integer")
    exp, nbf, iat = times["exp"], times["nbf"], times["iat"]
    if exp <= now:
        raise _Failed("expired", f"expired {now - exp} s ago")
    if nbf is not None and nbf > now + clock_skew:
        raise _Failed("not_yet_valid", f"valid only in {nbf - now} s")
    if iat is not None and iat > now + clock_skew:
        raise _Failed("issued_in_future", f"issued {iat - now} s in the future")
    return f"valid for {exp - now} s more"


class _Presentation:
    """What each check reads, filled in as the checks before it succeed."""

    def __init__(self) -> None:
        self.issuer_jwt = ""
        self.header: dict[str, Any] = {}
        self.payload: dict[str, Any] = {}
        self.encoded_disclosures: list[str] = []
        self.disclosures: list[Disclosure] = []
        self.kb_jwt: str | None = None
        self.kb_payload: dict[str, Any] | None = None
        self.status_list_age: int | None = None

    def read(self, presentation: Any, max_size: int) -> str:
        if not isinstance(presentation, str):
            raise _Failed("not_a_string", "a presentation is text")
        size = len(presentation.encode("utf-8", "surrogatepass"))
        if size > max_size:
            raise _Failed("too_large", f"{size} bytes, at most {max_size}")
        try:
            self.issuer_jwt, self.encoded_disclosures, self.kb_jwt = split(presentation)
            self.disclosures = [Disclosure.decode(item) for item in self.encoded_disclosures]
        except SdJwtFormatError as error:
            raise _Failed(error.code, str(error)) from None
        try:
            self.header, encoded_payload, _ = split_compact(self.issuer_jwt)
            self.payload = decode_payload(encoded_payload)
        except JwsError as error:
            raise _Failed("malformed_jwt", f"issuer JWT: {error}") from None
        if self.header.get("typ") != SD_JWT_VC_TYP:
            raise _Failed("wrong_typ", f"issuer JWT typ must be {SD_JWT_VC_TYP!r}")
        return f"{len(self.disclosures)} disclosure(s), {size} bytes"

    def verify_issuer_signature(self, keys: KeyResolver) -> str:
        iss = self.payload.get("iss")
        if not isinstance(iss, str):
            raise _Failed("unknown_kid", "the credential names no issuer to take a key from")
        try:
            verify_compact(self.issuer_jwt, lambda header: keys(iss, header), {ES256})
        except JwsError as error:
            status: CheckStatus = "error" if error.code == "bad_key" else "invalid"
            code = "malformed_jwt" if error.code == "malformed" else error.code
            raise _Failed(code, str(error), status) from None
        return f"signed by key {self.header.get('kid')}"

    def check_status(self, statuses: StatusResolver) -> str:
        status = self.payload.get("status")
        reference = status.get("status_list") if isinstance(status, dict) else None
        if not isinstance(reference, dict):
            raise _Failed("status_claim_missing", "no status.status_list in the credential")
        idx, uri = reference.get("idx"), reference.get("uri")
        if type(idx) is not int or not isinstance(uri, str):
            raise _Failed("status_claim_missing", "status.status_list needs integer idx and uri")
        try:
            resolved = statuses(uri)
        except LookupError as error:
            raise _Failed("status_list_unavailable", str(error) or "unreachable", "error") from None
        except ValueError as error:
            raise _Failed("status_list_invalid", str(error), "error") from None
        self.status_list_age = resolved.age
        try:
            value = resolved.status_list.get(idx)
        except IndexError:
            raise _Failed("index_out_of_range", f"index {idx} is not in the list") from None
        age = f"status list {resolved.age} s old"
        if value == Status.VALID:
            return age
        code = {Status.INVALID: "revoked", Status.SUSPENDED: "suspended"}.get(
            value, "unknown_status"
        )  # type: ignore[call-overload]
        raise _Failed(code, f"status {value}; {age}")

    def verify_holder(self, audience: str, now: int, max_age: int, clock_skew: int) -> str:
        if self.kb_jwt is None:
            raise _Failed("kb_jwt_missing", "no KB-JWT after the last '~'")
        cnf = self.payload.get("cnf")
        jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
        if jwk is None:
            raise _Failed("credential_not_bound", "the credential has no cnf.jwk")
        try:
            holder_key = parse_public_jwk(jwk)
        except ValueError as error:
            raise _Failed("bad_holder_key", str(error)) from None
        try:
            header, payload = verify_compact(self.kb_jwt, lambda _: holder_key, {ES256})
        except JwsError as error:
            code = {"malformed": "malformed_jwt", "alg_not_allowed": "alg_not_allowed"}.get(
                error.code, "bad_signature"
            )
            raise _Failed(code, f"KB-JWT: {error}") from None
        if header.get("typ") != KB_JWT_TYP:
            raise _Failed("wrong_typ", f"KB-JWT typ must be {KB_JWT_TYP!r}")
        self.kb_payload = payload  # signed by the holder: nonce and sd_hash can be read now
        if payload.get("aud") != audience:
            raise _Failed("wrong_audience", f"aud is {payload.get('aud')!r}")
        iat = payload.get("iat")
        if type(iat) is not int:
            raise _Failed("iat_missing", "KB-JWT has no integer iat")
        if iat > now + clock_skew:
            raise _Failed("iat_in_future", f"iat {iat - now} s ahead")
        if now - iat > max_age:
            raise _Failed("iat_stale", f"iat {now - iat} s old, at most {max_age}")
        return f"holder key {header.get('kid') or 'cnf.jwk'}, {now - iat} s old"

    def check_sd_hash(self) -> str:
        assert self.kb_payload is not None
        if self.payload.get("_sd_alg", SD_ALG) != SD_ALG:
            raise _Failed("unsupported_sd_alg", f"_sd_alg must be {SD_ALG}")
        presented = "~".join([self.issuer_jwt, *self.encoded_disclosures]) + "~"
        if self.kb_payload.get("sd_hash") != sd_hash(presented):
            raise _Failed("sd_hash_mismatch", "sd_hash does not cover this presentation")
        return "sd_hash covers issuer JWT and disclosures"

    def check_disclosures(self) -> str:
        if self.payload.get("_sd_alg", SD_ALG) != SD_ALG:
            raise _Failed("unsupported_sd_alg", f"_sd_alg must be {SD_ALG}")
        digests = self.payload.get("_sd", [])
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise _Failed("duplicate_digest", "_sd must be a list of digests")
        if len(set(digests)) != len(digests):
            raise _Failed("duplicate_digest", "_sd lists a digest twice")
        seen_digests: set[str] = set()
        seen_names: set[str] = set()
        for disclosure in self.disclosures:
            if disclosure.digest in seen_digests or disclosure.name in seen_names:
                raise _Failed("duplicate_disclosure", f"{disclosure.name!r} disclosed twice")
            seen_digests.add(disclosure.digest)
            seen_names.add(disclosure.name)
            if disclosure.digest not in digests:
                raise _Failed(
                    "digest_not_in_sd", f"disclosure of {disclosure.name!r} is not signed"
                )
            if disclosure.name in self.payload:
                raise _Failed("claim_name_clash", f"{disclosure.name!r} is also a visible claim")
        return f"{len(self.disclosures)} disclosure(s) match signed digests"

    def check_requested(self, requested: Collection[str]) -> str:
        disclosed = {d.name for d in self.disclosures}
        extra = sorted(disclosed - set(requested))
        if extra:
            raise _Failed("extra_claims", f"not requested: {', '.join(extra)}")
        missing = sorted(set(requested) - disclosed)
        if missing:
            raise _Failed("missing_claims", f"requested but not disclosed: {', '.join(missing)}")
        return f"disclosed exactly {', '.join(sorted(disclosed)) or 'nothing'}"
