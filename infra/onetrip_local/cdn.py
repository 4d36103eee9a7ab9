"""What CloudFront does in front of the API locally: behaviours with an S3 origin are
answered from moto's S3 (the object's Content-Type and Cache-Control, as CloudFront
passes them on); every other path goes to the emulated API."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any

from onetrip_local.apigw import ApiResult, HttpRequest
from onetrip_local.provision import StaticRoute

_PASSED_ON = ("Content-Type", "Cache-Control", "ETag", "LastModified")


def serve_static(request: HttpRequest, routes: Iterable[StaticRoute], s3: Any) -> ApiResult | None:
    """The response for a request a static route matches; None to let the API answer."""
    route = next((r for r in routes if fnmatchcase(request.path, r.path_pattern)), None)
    if route is None:
        return None
    if request.method not in ("GET", "HEAD"):
        return _error(403, "This behaviour allows GET and HEAD only.")
    key = (route.origin_path + request.path).lstrip("/")
    try:
        found = s3.get_object(Bucket=route.bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        # Origin access control grants s3:GetObject only: S3 answers a missing key 403.
        return _error(403, "AccessDenied")
    headers = {"content-type": found.get("ContentType", "binary/octet-stream")}
    if found.get("CacheControl"):
        headers["cache-control"] = found["CacheControl"]
    if found.get("ETag"):
        headers["etag"] = found["ETag"]
    return ApiResult(200, headers, found["Body"].read())


def _error(status: int, message: str) -> ApiResult:
    body = f"<Error><Code>{message}</Code></Error>".encode()
    return ApiResult(status, {"content-type": "application/xml"}, body)
