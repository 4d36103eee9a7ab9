"""Published status lists: one S3 object per shard, served without a Lambda per read.

In AWS CloudFront serves `/status-lists/*` from this bucket (origin access control);
locally the emulated API reads the same objects from moto's S3.
"""

from __future__ import annotations

from onetrip.dal.aws import client

PREFIX = "status-lists/"
MEDIA_TYPE = "application/statuslist+jwt"


def object_key(list_id: str) -> str:
    return f"{PREFIX}{list_id}"


class StatusObjects:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def put(self, list_id: str, token: str, *, max_age: int) -> None:
        client("s3").put_object(
            Bucket=self.bucket,
            Key=object_key(list_id),
            Body=token.encode("ascii"),
            ContentType=MEDIA_TYPE,
            CacheControl=f"public, max-age={max_age}",
        )

    def get(self, list_id: str) -> str | None:
        try:
            body = client("s3").get_object(Bucket=self.bucket, Key=object_key(list_id))["Body"]
        except client("s3").exceptions.NoSuchKey:
            return None
        return str(body.read().decode("ascii"))
