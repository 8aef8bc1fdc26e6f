"""Identity rules without I/O: identifiers, memberships over time, merges, duplicate candidates."""

from identity.domain.ids import (
    BE_GEO_ID_PATTERN,
    CCO_ID_PATTERN,
    COUNTRY_PATTERN,
    is_valid_be_geo_id,
    is_valid_cco_id,
    normalise_email,
    normalise_name,
)

__all__ = [
    "BE_GEO_ID_PATTERN",
    "CCO_ID_PATTERN",
    "COUNTRY_PATTERN",
    "is_valid_be_geo_id",
    "is_valid_cco_id",
    "normalise_email",
    "normalise_name",
]
