"""Schemathesis extension hooks for the OpenAPI fuzz (loaded by `st run` through
SCHEMATHESIS_HOOKS; see tests/e2e/test_openapi_fuzz.py).

- A valid token per case, of a role drawn from the operation's `x-roles` (one case in
  ten: any of the twelve roles, to cross the role check), minted like `onetrip token`.
- Values for the document's `format: gb11643` (a citizen ID number): the pattern says
  the shape, the format the rest the code checks (a known region, a real birth date
  from 1900 to today, the MOD 11-2 check character), so schema-valid means valid.
  The numbers are built with python-stdnum's check character, not the code under test.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from typing import Any

import schemathesis
from hypothesis import strategies as st
from onetrip_local.tokens import mint
from stdnum.cn import ric

ROLES = (
    "registrar", "clerk", "approver", "agency", "citizen", "petition_office", "leader",
    "handling_unit", "leading_group", "ops", "issuer_admin", "venue",
)  # fmt: skip
# Region codes in force (python-stdnum's administrative-division data knows them).
REGIONS = ("330203", "330205", "330206", "110101", "310101", "440305")
_CITIZEN_NUMBER = "330203199003071232"  # check character from stdnum, asserted below
_EXTRAS: dict[str, dict[str, str]] = {
    "citizen": {"id_number": _CITIZEN_NUMBER},
    "handling_unit": {"unit": "海曙分局"},
    "agency": {"agency": "water"},
}
_rng = random.Random(int(os.environ.get("ONETRIP_FUZZ_SEED", "1")))


def _check(body: str) -> str:
    return str(ric.calc_check_digit(body + "0"))


assert _check(_CITIZEN_NUMBER[:17]) == _CITIZEN_NUMBER[17]


@st.composite
def gb11643_numbers(draw: Any) -> str:
    region = draw(st.sampled_from(REGIONS))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date.today() - timedelta(days=1)))
    sequence = draw(st.integers(min_value=1, max_value=999))
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + _check(body)


schemathesis.openapi.format("gb11643", gb11643_numbers())


@schemathesis.auth()
class RoleTokens:
    """One token per role, minted once; each case gets one of them."""

    def get(self, case: Any, ctx: Any) -> dict[str, str]:
        return {role: mint([role], sub=f"fuzz-{role}", **_EXTRAS.get(role, {})) for role in ROLES}

    def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
        allowed = case.operation.definition.raw.get("x-roles") or list(ROLES)
        pool = ROLES if _rng.random() < 0.1 else allowed
        token = data[_rng.choice(pool)]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@schemathesis.check
def rules_beyond_schema_only(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request may get a 422 only for a rule its operation lists in
    `x-rules-beyond-schema`, and the problem must name those fields and no other (the
    test's config allows 422 to positive_data_acceptance on exactly those operations)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    rules = case.operation.definition.raw.get("x-rules-beyond-schema") or {}
    named = {error.get("field") for error in (response.json().get("errors") or [])}
    unexplained = sorted(str(field) for field in named - set(rules))
    if not named or unexplained:
        raise AssertionError(
            f"422 for a schema-valid request, on fields no rule explains: {unexplained or 'none'}"
        )
    return None
