"""The Catalogue table: abolished proofs, their versions, and the postings search reads.

Keys (pk / sk):
  PROOF#<proofId> / CURRENT      CatalogueEntry: the published fields, `version`
  PROOF#<proofId> / V#<000000n>  CatalogueVersion: version n as it was (history; the
                                 current version has one too)
  NAME#<naturalKey> / NAME       CatalogueName: the natural key (issuer#name, normalized)
                                 is taken by `proofId` — one entry per name and issuer
  GRAM#<bigram> / <proofId>      CataloguePosting: the entry's name holds the bigram
  AGENCY#<issuer> / <proofId>    CataloguePosting: the entry's normalized former issuer
  ALL / <proofId>                CataloguePosting: every entry (browsing without q/agency)
  CATALOGUE / META               CatalogueMeta: `catalogueVersion`, +1 per change

A posting list is one partition sorted by proofId, so a search intersects lists by range
queries (`sk >= x`) and never scans; postings carry the name for the final substring check.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from onetrip.dal.models.base import TableModel


class _Fields(TableModel):
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    proof_id = UnicodeAttribute(attr_name="proofId")
    name = UnicodeAttribute()
    former_issuer = UnicodeAttribute(attr_name="formerIssuer")
    abolished_at = UnicodeAttribute(attr_name="abolishedAt")
    basis = UnicodeAttribute()
    replacement = UnicodeAttribute()
    credential_type = UnicodeAttribute(attr_name="credentialType", null=True)
    version = NumberAttribute()
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    updated_by = UnicodeAttribute(attr_name="updatedBy")


class CatalogueEntry(_Fields):
    """PROOF#<proofId> / CURRENT."""


class CatalogueVersion(_Fields):
    """PROOF#<proofId> / V#<version, 10 digits>."""


class CatalogueName(TableModel):
    """NAME#<naturalKey> / NAME: which entry holds this name at this issuer."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="NAME")
    proof_id = UnicodeAttribute(attr_name="proofId")


class CataloguePosting(TableModel):
    """GRAM#… / AGENCY#… / ALL, sorted by proofId."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()


class CatalogueMeta(TableModel):
    """CATALOGUE / META."""

    pk = UnicodeAttribute(hash_key=True, default="CATALOGUE")
    sk = UnicodeAttribute(range_key=True, default="META")
    catalogue_version = NumberAttribute(attr_name="catalogueVersion", default=0)
