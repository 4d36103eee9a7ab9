"""E-certificates in the citizen wallet (无证明城市): issuance, the wallet, status lists,
issuer keys and the re-issue chained to identity changes (EUDI ARF VCR_09).

  stores.py    the tables, key store and bucket the use cases work on
  issuance.py  build and sign one SD-JWT VC from the registry, and store it
  wallet.py    the routes' use cases: types, issue, list, get, revoke, activity
  proofs.py    e-proofs shared with an agency or a clerk (POST /proof-requests)
  status.py    status-list bits and their signed publication
  keys.py      the issuer's signing keys: bootstrap, rotation, JWKS
  chain.py     IdentityChanged → supersede and re-issue
"""
