"""The page kit every service's server-rendered pages are built on (``partnerhub.ui.kit``)."""

from partnerhub.ui.csrf import CsrfGuard, key_of
from partnerhub.ui.kit import (
    COOKIE,
    Claims,
    FunctionPeople,
    KnownPeople,
    PageKit,
    PeopleSource,
    SignInRequired,
    in_words,
)

__all__ = [
    "COOKIE", "Claims", "CsrfGuard", "FunctionPeople", "KnownPeople", "PageKit", "PeopleSource", "SignInRequired",
    "in_words", "key_of",
]
