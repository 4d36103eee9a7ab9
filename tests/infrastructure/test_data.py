"""Tables, key and secret: keys, billing, PITR, encryption, retention."""

from __future__ import annotations

import pytest

TABLES = ["Registry", "Applications", "AgencyRecords", "Outbox"]


@pytest.mark.parametrize("table", TABLES)
def test_table_is_pk_sk_on_demand_with_pitr_and_the_cmk(synth, table: str) -> None:
    resource = synth.resources[table]
    props = resource["Properties"]

    assert resource["Type"] == "AWS::DynamoDB::Table"
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert {"AttributeName": "pk", "AttributeType": "S"} in props["AttributeDefinitions"]
    assert {"AttributeName": "sk", "AttributeType": "S"} in props["AttributeDefinitions"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"] == {
        "KMSMasterKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]},
        "SSEEnabled": True,
        "SSEType": "KMS",
    }
    # The default app is dev, destroyed cleanly; prod retains (test_operations.py).
    assert resource["DeletionPolicy"] == "Delete"


def test_applications_has_the_by_person_and_applying_indexes(synth) -> None:
    indexes = {i["IndexName"]: i for i in synth.props("Applications")["GlobalSecondaryIndexes"]}

    assert sorted(indexes) == ["applying", "byPerson"]
    for name, number in (("byPerson", 1), ("applying", 2)):
        assert indexes[name]["KeySchema"] == [
            {"AttributeName": f"gsi{number}pk", "KeyType": "HASH"},
            {"AttributeName": f"gsi{number}sk", "KeyType": "RANGE"},
        ]
        assert indexes[name]["Projection"] == {"ProjectionType": "ALL"}


def test_the_data_key_rotates_and_encrypts_the_id_hash_secret(synth) -> None:
    assert synth.props("DataKey")["EnableKeyRotation"] is True
    secret = synth.props("IdHashKey")
    assert secret["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert secret["GenerateSecretString"]["PasswordLength"] == 64
