"""The abolished-proofs catalogue (无证明城市): its table, the cursor key and the API function."""

from __future__ import annotations

from aws_cdk import aws_secretsmanager
from constructs import Construct

from onetrip_infra.config import FunctionDefaults, acknowledge, pin_logical_id
from onetrip_infra.constructs.api import Api
from onetrip_infra.constructs.data import DataStores

CATALOGUE_PUBLIC_ROUTES = [("GET", "/abolished-proofs")]
CATALOGUE_ROUTES = [
    ("POST", "/abolished-proofs"),
    ("POST", "/abolished-proofs/import"),
    ("PUT", "/abolished-proofs/{proofId}"),
    ("GET", "/abolished-proofs/{proofId}/history"),
]


class Catalogue(Construct):
    """The Catalogue table (entries, versions, name keys, search postings; keys in
    onetrip.dal.models.catalogue) and `CatalogueApi`, which may read and write only it and
    read only its own cursor key."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        defaults: FunctionDefaults,
        data: DataStores,
        api: Api,
    ) -> None:
        super().__init__(scope, construct_id)
        self.table = data.add_table("Catalogue")
        # Signs search cursors, so a client cannot hand back an altered one.
        self.cursor_key = aws_secretsmanager.Secret(
            self,
            "CursorKey",
            description="onetrip: HMAC key of the catalogue's search cursors",
            generate_secret_string=aws_secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=data.removal_policy,
        )
        pin_logical_id(self.cursor_key, "CatalogueCursorKey")
        acknowledge(
            self.cursor_key,
            "SMG4",
            "The key only signs search cursors of public data; a new key (by replacing the "
            "secret) merely invalidates the cursors in flight, so no rotation Lambda.",
        )
        self.function = defaults.function(
            self,
            "CatalogueApi",
            handler="onetrip.handlers.catalogue.handler",
            environment={
                "CATALOGUE_TABLE": self.table.table_name,
                "CATALOGUE_CURSOR_SECRET_ARN": self.cursor_key.secret_arn,
            },
            description="Abolished-proofs catalogue: search, versioned edits, CSV import",
        )
        self.table.grant_read_write_data(self.function)
        self.cursor_key.grant_read(self.function)
        api.add_routes(
            self.function,
            CATALOGUE_PUBLIC_ROUTES,
            public=True,
            public_reason="the catalogue of abolished proofs is a public notice",
        )
        api.add_routes(self.function, CATALOGUE_ROUTES)
