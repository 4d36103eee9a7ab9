"""The HTTP layer's view of the caller model (onetrip.domain.access), re-exported."""

from onetrip.domain.access import Caller, Role, caller_from_claims, parse_groups

__all__ = ["Caller", "Role", "caller_from_claims", "parse_groups"]
