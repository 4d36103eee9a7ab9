"""Token Status List encoding against the draft's own examples and test vectors."""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path

import pytest
from onetrip.vc.b64 import b64url_decode, b64url_encode
from onetrip.vc.jws import LocalSigner, sign_compact
from onetrip.vc.status_list import (
    STATUS_LIST_TYP,
    Status,
    StatusList,
    cacheable_until,
    random_index,
    read_status_list_token,
    status_list_header,
    status_list_payload,
)

# draft-ietf-oauth-status-list §4.1 examples and Appendix C test vectors (see "source").
VECTORS = json.loads((Path(__file__).parent / "vectors" / "status_list.json").read_text())


@pytest.mark.parametrize(
    "example", VECTORS["byte_array_examples"], ids=lambda e: f"bits{e['bits']}"
)
def test_section_4_1_examples_encode_to_the_published_bytes_and_lst(example: dict) -> None:
    status_list = StatusList(len(example["statuses"]), bits=example["bits"])
    for index, value in enumerate(example["statuses"]):
        status_list.set(index, value)
    assert status_list.to_bytes() == bytes(int(b, 16) for b in example["bytes"])
    assert zlib.compress(status_list.to_bytes(), 9).hex() == example["compressed_hex"]
    assert status_list.encode() == example["lst"]


@pytest.mark.parametrize(
    "example", VECTORS["byte_array_examples"], ids=lambda e: f"bits{e['bits']}"
)
def test_section_4_1_examples_decode_to_the_published_statuses(example: dict) -> None:
    decoded = StatusList.decode(example["lst"], example["bits"])
    assert [decoded.get(i) for i in range(len(example["statuses"]))] == example["statuses"]


@pytest.mark.parametrize("vector", VECTORS["test_vectors"], ids=lambda v: f"bits{v['bits']}")
def test_appendix_c_vectors_decode_to_the_listed_statuses_and_zero_elsewhere(vector: dict) -> None:
    decoded = StatusList.decode(vector["lst"], vector["bits"])
    assert decoded.size == vector["size"]
    expected = {int(i): v for i, v in vector["statuses"].items()}
    assert {i: decoded.get(i) for i in expected} == expected
    non_zero = {i for i, byte in enumerate(decoded.to_bytes()) if byte}
    per_byte = 8 // vector["bits"]
    assert non_zero == {i // per_byte for i, v in expected.items() if v}


@pytest.mark.parametrize("vector", VECTORS["test_vectors"], ids=lambda v: f"bits{v['bits']}")
def test_appendix_c_vectors_rebuild_the_same_byte_array(vector: dict) -> None:
    built = StatusList(vector["size"], vector["bits"])
    for index, value in vector["statuses"].items():
        built.set(int(index), value)
    published = zlib.decompress(b64url_decode(vector["lst"]))
    assert built.to_bytes() == published


def test_a_million_entries_with_one_percent_set_round_trip() -> None:
    size = 1 << 20
    rng = random.Random(7)
    chosen = {
        i: rng.choice([Status.INVALID, Status.SUSPENDED])
        for i in rng.sample(range(size), size // 100)
    }
    status_list = StatusList(size, bits=2)
    for index, value in chosen.items():
        status_list.set(index, value)
    decoded = StatusList.decode(status_list.encode(), 2)
    assert decoded.size == size
    assert decoded.to_bytes() == status_list.to_bytes()
    assert all(decoded.get(i) == v for i, v in chosen.items())
    assert sum(
        1 for byte in decoded.to_bytes() for shift in (0, 2, 4, 6) if (byte >> shift) & 3
    ) == len(chosen)


def test_set_replaces_only_its_own_bits() -> None:
    status_list = StatusList(8, bits=2)
    status_list.set(1, Status.SUSPENDED)
    status_list.set(1, Status.INVALID)
    status_list.set(2, Status.SUSPENDED)
    assert [status_list.get(i) for i in range(4)] == [0, 1, 2, 0]
    assert status_list.to_bytes()[0] == 0b00_10_01_00


def test_bounds_and_values_are_checked() -> None:
    status_list = StatusList(10, bits=1)
    with pytest.raises(IndexError):
        status_list.get(10)
    with pytest.raises(ValueError, match="does not fit in 1 bit"):
        status_list.set(0, 2)


@pytest.mark.parametrize("bits", [0, 3, 16, "2", True])
def test_bits_outside_1_2_4_8_are_errors(bits: object) -> None:
    with pytest.raises(ValueError, match="'bits' must be one of"):
        StatusList.decode("eNrbuRgAAhcBXQ", bits)  # type: ignore[arg-type]


def test_empty_lst_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        StatusList.decode("", 2)
    with pytest.raises(ValueError, match="empty"):
        StatusList.decode(b64url_encode(zlib.compress(b"")), 2)


def test_a_zlib_bomb_is_refused_without_inflating_it() -> None:
    bomb = b64url_encode(zlib.compress(bytes(64 * 1024 * 1024), 9))  # 64 MiB of zeros, ~64 KB
    with pytest.raises(ValueError, match="inflates past 1048576 bytes"):
        StatusList.decode(bomb, 1, max_bytes=1024 * 1024)


def test_truncated_and_trailing_data_are_refused() -> None:
    whole = zlib.compress(bytes(100))
    with pytest.raises(ValueError, match="truncated"):
        StatusList.decode(b64url_encode(whole[:-3]), 1)
    with pytest.raises(ValueError, match="after the ZLIB stream"):
        StatusList.decode(b64url_encode(whole + b"x"), 1)
    with pytest.raises(ValueError, match="not ZLIB"):
        StatusList.decode(b64url_encode(b"not zlib at all"), 1)


@pytest.mark.parametrize("level", [0, 1, 6, 9])
def test_every_zlib_level_is_accepted(level: int) -> None:
    data = bytes([0, 1, 0, 0x40]) * 100
    assert StatusList.decode(b64url_encode(zlib.compress(data, level)), 2).to_bytes() == data


def test_random_index_skips_taken_indices_and_gives_up_when_full() -> None:
    taken = set(range(0, 100, 2))
    for _ in range(50):
        assert random_index(100, taken.__contains__) % 2 == 1
    with pytest.raises(LookupError, match="new shard"):
        random_index(4, lambda _: True)


def test_status_list_token_reads_back_with_its_payload() -> None:
    signer = LocalSigner.generate("k")
    status_list = StatusList(16, bits=2)
    status_list.set(3, Status.SUSPENDED)
    uri = "https://onetrip.example/status-lists/1"
    payload = status_list_payload(
        uri=uri, lst_obj=status_list.to_json(), iat=1000, exp=5000, ttl=300
    )
    token = sign_compact(status_list_header(), payload, signer)
    assert json.loads(b64url_decode(token.split(".")[0]))["typ"] == STATUS_LIST_TYP
    decoded, claims = read_status_list_token(
        token, lambda _: signer.public_jwk(), uri=uri, now=2000
    )
    assert decoded.get(3) == Status.SUSPENDED and claims["ttl"] == 300
    with pytest.raises(ValueError, match="expired"):
        read_status_list_token(token, lambda _: signer.public_jwk(), uri=uri, now=5000)
    with pytest.raises(ValueError, match="'sub'"):
        read_status_list_token(token, lambda _: signer.public_jwk(), uri=uri + "0", now=2000)


def test_revocation_is_final_and_suspension_is_not() -> None:
    status_list = StatusList(8, bits=2)
    assert status_list.change_status(1, Status.SUSPENDED) is True
    assert status_list.change_status(1, Status.VALID) is True
    assert status_list.change_status(1, Status.INVALID) is True
    assert status_list.change_status(1, Status.INVALID) is False  # revoking twice changes nothing
    for later in (Status.VALID, Status.SUSPENDED):
        with pytest.raises(ValueError, match="INVALID for good"):
            status_list.change_status(1, later)
    assert status_list.get(1) == Status.INVALID


def test_a_list_is_cached_no_longer_than_exp_or_ttl_allow() -> None:
    assert cacheable_until({"exp": 10_000, "ttl": 300}, fetched_at=1_000) == 1_270
    assert cacheable_until({"exp": 1_200, "ttl": 300}, fetched_at=1_000) == 1_170
    assert cacheable_until({}, fetched_at=1_000, skew=0) == 1_000  # nothing says: refetch
