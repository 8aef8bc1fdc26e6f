"""Identity commands and queries; each command is one unit of work."""

from identity.use_cases.associations import Association, associations_of
from identity.use_cases.duplicates import duplicate_candidates, duplicates_for
from identity.use_cases.grants import grant_access, revoke_access
from identity.use_cases.individuals import get_individual, register_individual, update_individual
from identity.use_cases.memberships import cancel_leave, join_partner, leave_partner
from identity.use_cases.merge import merge_individuals
from identity.use_cases.merge_requests import (
    MergeRequest,
    confirm_merge,
    link_refusal,
    merge_link,
    merge_requests_of,
    request_merge,
)
from identity.use_cases.partners import get_partner, list_members, list_roles, register_partner
from identity.use_cases.records import Individual, Membership, Partner, PartnerRole
from identity.use_cases.roles import assign_role, remove_role
from identity.use_cases.tokens import Claims, claims_for, mint_for

__all__ = [
    "Association",
    "MergeRequest",
    "associations_of",
    "confirm_merge",
    "duplicates_for",
    "link_refusal",
    "merge_link",
    "merge_requests_of",
    "request_merge",
    "Individual",
    "Membership",
    "Partner",
    "PartnerRole",
    "assign_role",
    "cancel_leave",
    "Claims",
    "claims_for",
    "duplicate_candidates",
    "get_individual",
    "get_partner",
    "grant_access",
    "join_partner",
    "leave_partner",
    "list_members",
    "list_roles",
    "merge_individuals",
    "mint_for",
    "register_individual",
    "register_partner",
    "remove_role",
    "revoke_access",
    "update_individual",
]
