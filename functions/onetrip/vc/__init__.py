"""Standards code for the no-certificate city (无证明城市): SD-JWT VCs, JWS, status lists.

Pure: no AWS, no I/O, the clock and randomness come in as arguments (or a `secrets`
default). The issuer (Lambda), the verifier (Lambda) and the offline `onetrip verify` CLI
share it; adapters (KMS signer, index storage, HTTP fetch with cache) live outside.

  b64.py          base64url without padding, strict decoding
  jws.py          compact JWS (ES256), Signer interface, JWK parsing, RFC 7638 thumbprints
  sdjwt.py        RFC 9901 SD-JWT: issue, parse, present (KB-JWT), holder-side claims
  status_list.py  IETF Token Status List: bit packing, bounded decoding, token payload
  verify.py       presentation verification: one result per check, frozen reason codes
"""
