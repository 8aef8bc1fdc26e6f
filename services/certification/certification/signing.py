"""The keys that sign credentials (VC-JWT): load, publish as a JWKS, sign, verify.

A key is an RSA (2048 bits or more: RS256, the algorithm Open Badges 3.0 requires every verifier to
support), P-256 (ES256) or Ed25519 (EdDSA) private key in PEM. Its ``kid`` is its RFC 7638 JWK
thumbprint, so a key names itself and rotation needs no bookkeeping: the current key signs, earlier
keys stay published (and verify what they signed) until they are dropped from the settings.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

# the JWK members each key type's thumbprint is computed over (RFC 7638 section 3.2)
_THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}


class UnusableKey(ValueError):
    """A key that cannot sign credentials (not PEM, a key type or size that is not allowed)."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    algorithm: str
    public_jwk: dict[str, str]  # never holds "d"
    private: Any | None  # None: a published key that only verifies


def _algorithm_of(public: Any) -> str:
    if isinstance(public, rsa.RSAPublicKey):
        if public.key_size < 2048:
            raise UnusableKey("an RSA key must have at least 2048 bits")
        return "RS256"
    if isinstance(public, ec.EllipticCurvePublicKey):
        if not isinstance(public.curve, ec.SECP256R1):
            raise UnusableKey("an EC key must be on P-256 (ES256)")
        return "ES256"
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "EdDSA"
    raise UnusableKey("the key must be RSA (RS256), EC P-256 (ES256) or Ed25519 (EdDSA)")


def _jwk(public: Any, algorithm: str) -> dict[str, str]:
    if algorithm == "RS256":
        data = RSAAlgorithm.to_jwk(public, as_dict=True)
    elif algorithm == "ES256":
        data = ECAlgorithm.to_jwk(public, as_dict=True)
    else:
        data = OKPAlgorithm.to_jwk(public, as_dict=True)
    return {k: str(v) for k, v in data.items() if k in ("kty", "n", "e", "crv", "x", "y")}


def thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638: SHA-256 over the required members in lexical order, base64url without padding."""
    members = _THUMBPRINT_MEMBERS[jwk["kty"]]
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _from_public(public: Any, private: Any | None) -> SigningKey:
    algorithm = _algorithm_of(public)
    jwk = _jwk(public, algorithm)
    return SigningKey(thumbprint(jwk), algorithm, jwk, private)


@lru_cache(maxsize=32)
def private_key(pem: str) -> SigningKey:
    """A signing key from a PEM private key (PKCS#8 or traditional), unencrypted. Cached by its text:
    loading an RSA key checks it, which costs tens of milliseconds per request otherwise."""
    try:
        private = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise UnusableKey("is not an unencrypted PEM private key") from exc
    return _from_public(private.public_key(), private)


@lru_cache(maxsize=32)
def public_keys(pem_text: str) -> tuple[SigningKey, ...]:
    """Every key in a text of concatenated PEM blocks (public keys, or private keys whose public part is
    kept): the earlier keys that still verify."""
    found: list[SigningKey] = []
    for block in _pem_blocks(pem_text):
        if "PRIVATE KEY" in block.splitlines()[0]:
            key = private_key(block)
            found.append(SigningKey(key.kid, key.algorithm, key.public_jwk, None))
            continue
        try:
            public = serialization.load_pem_public_key(block.encode())
        except (ValueError, TypeError) as exc:
            raise UnusableKey("holds a block that is not a PEM public key") from exc
        found.append(_from_public(public, None))
    return tuple(found)


def _pem_blocks(text: str) -> list[str]:
    blocks, current = [], []  # type: list[str], list[str]
    for line in text.strip().splitlines():
        line = line.strip()
        if line.startswith("-----BEGIN "):
            current = [line]
        elif line.startswith("-----END ") and current:
            current.append(line)
            blocks.append("\n".join(current) + "\n")
            current = []
        elif current:
            current.append(line)
    if not blocks:
        raise UnusableKey("holds no PEM block")
    return blocks


def generate_pem() -> str:
    """A new RSA 2048 private key in PKCS#8 PEM (RS256: what every Open Badges verifier supports)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class BadCredential(ValueError):
    """A credential that is not a JWT signed by one of our keys, or whose claims do not agree."""


@dataclass(frozen=True)
class KeyRing:
    signer: SigningKey
    keys: tuple[SigningKey, ...]  # every published key, the signer first

    @classmethod
    def of(cls, signer: SigningKey, others: Iterable[SigningKey]) -> KeyRing:
        keys = [signer]
        for key in others:
            if all(key.kid != k.kid for k in keys):
                keys.append(key)
        return cls(signer, tuple(keys))

    def jwks(self, key_url: str) -> dict[str, Any]:
        """The published keys; each ``kid`` is the URL that answers that one key (Open Badges 3.0)."""
        return {"keys": [self.jwk(key, key_url) for key in self.keys]}

    @staticmethod
    def jwk(key: SigningKey, key_url: str) -> dict[str, str]:
        return {**key.public_jwk, "kid": f"{key_url}/{key.kid}", "alg": key.algorithm, "use": "sig"}

    def find(self, kid: str) -> SigningKey | None:
        """A key by its ``kid``: its thumbprint, or any URL ending in it (the issuer's address may differ)."""
        tail = kid.rstrip("/").rsplit("/", 1)[-1].split("#")[-1]
        return next((k for k in self.keys if k.kid == tail), None)

    def sign(self, claims: dict[str, Any], key_url: str) -> str:
        headers = {"kid": f"{key_url}/{self.signer.kid}", "typ": "JWT"}
        return jwt.encode(claims, self.signer.private, algorithm=self.signer.algorithm, headers=headers)

    def verify(self, token: str) -> dict[str, Any]:
        """The payload of a credential signed by one of the published keys, its claims checked against
        the credential inside (Open Badges 3.0 "Verify a Credential"); expiry is left to the caller, who
        judges it by the badge. Raises BadCredential."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise BadCredential("is not a JWT (a compact JWS: three base64url parts joined by dots)") from exc
        kid = header.get("kid")
        key = self.find(kid) if isinstance(kid, str) else None
        if key is None:
            raise BadCredential("is not signed with any of this service's published keys")
        try:
            claims = jwt.decode(
                token,
                jwt.PyJWK({**key.public_jwk, "alg": key.algorithm}).key,
                algorithms=[key.algorithm],
                # dates are judged by the business date (the badge), not the machine's clock
                options={
                    "require": ["iss", "jti", "sub", "nbf"],
                    "verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise BadCredential(f"does not verify: {exc}") from exc
        issuer = claims.get("issuer")
        subject = claims.get("credentialSubject")
        if not (
            isinstance(issuer, dict)
            and isinstance(subject, dict)
            and claims["iss"] == issuer.get("id")
            and claims["sub"] == subject.get("id")
            and claims["jti"] == claims.get("id")
        ):
            raise BadCredential("has claims (iss, sub, jti) that do not match the credential inside")
        return claims
