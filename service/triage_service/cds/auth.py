"""Authenticating CDS Clients with signed JWTs, as CDS Hooks 2.0 "Trusting CDS Clients" says.

Every call carries ``Authorization: Bearer <JWT>`` signed with the client's private key.
A token is accepted only if its issuer is on the allow-list, its signature verifies
with that issuer's published key (JWK Set from a configured URL or configured keys;
a ``jku`` header must be that URL), the algorithm is asymmetric, ``aud`` is exactly
the URL of the endpoint called, it has not expired, and its ``jti`` has not been seen
before (replay). The caller only ever learns "401": details go to the log, and a token
never does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests

log = logging.getLogger(__name__)

#: Asymmetric algorithms only: ``none`` has no signature and HMAC needs a shared
#: secret, both forbidden by the specification.
ALLOWED_ALGORITHMS = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
JWKS_CACHE_SECONDS = 300


class AuthenticationError(Exception):
    """Why a token was refused (logged, never shown to the caller)."""


@dataclass(frozen=True)
class Issuer:
    """A trusted CDS Client: where its keys are, or the keys themselves."""

    iss: str
    jwks_url: str | None = None
    jwks: Mapping[str, Any] | None = None

    @classmethod
    def from_config(cls, iss: str, settings: Mapping[str, Any]) -> Issuer:
        unknown = set(settings) - {"jwks_url", "jwks"}
        if unknown or not (settings.get("jwks_url") or settings.get("jwks")):
            raise ValueError(f"CDS issuer {iss!r}: give 'jwks_url' or 'jwks' (and nothing else)")
        return cls(iss, settings.get("jwks_url"), settings.get("jwks"))


@dataclass
class _ReplayGuard:
    """``jti`` values seen, kept until their token expires. Per process: with several
    server processes a replay to another one is not caught (see the closing notes)."""

    seen: dict[tuple[str, str], float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def first_use(self, issuer: str, jti: str, expires: float, now: float) -> bool:
        with self.lock:
            for key in [key for key, until in self.seen.items() if until < now]:
                del self.seen[key]
            if (issuer, jti) in self.seen:
                return False
            self.seen[(issuer, jti)] = expires
            return True


class JwtVerifier:
    """Verifies CDS Client JWTs; one per app (it caches key sets and seen ``jti``s)."""

    def __init__(
        self,
        issuers: Sequence[Issuer],
        *,
        clock: Callable[[], float] = time.time,
        leeway_seconds: int = 30,
        fetch_timeout_seconds: float = 5.0,
    ) -> None:
        self.issuers = {issuer.iss: issuer for issuer in issuers}
        self._clock = clock
        self._leeway = leeway_seconds
        self._timeout = fetch_timeout_seconds
        self._replays = _ReplayGuard()
        self._key_sets: dict[str, tuple[float, list[Mapping[str, Any]]]] = {}
        self._lock = threading.Lock()

    def verify(self, token: str, audience: str) -> dict[str, Any]:
        """The verified claims; raises :class:`AuthenticationError`."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"malformed token: {error}") from None
        algorithm = header.get("alg")
        if algorithm not in ALLOWED_ALGORITHMS:
            raise AuthenticationError(f"algorithm {algorithm!r} is not allowed")
        if header.get("typ", "JWT") != "JWT":
            raise AuthenticationError(f"typ {header.get('typ')!r} is not JWT")
        issuer = self.issuers.get(str(unverified.get("iss")))
        if issuer is None:
            raise AuthenticationError(f"issuer {unverified.get('iss')!r} is not trusted")
        if "jku" in header and header["jku"] != issuer.jwks_url:
            raise AuthenticationError(f"jku {header['jku']!r} is not the key set registered for the issuer")
        kid = header.get("kid")
        if not kid:
            raise AuthenticationError("no kid in the header")
        key = self._key(issuer, str(kid), algorithm)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=audience,
                issuer=issuer.iss,
                options={"require": ["iss", "aud", "exp", "iat", "jti"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"{type(error).__name__}: {error}") from None
        for name in ("exp", "iat"):
            if isinstance(claims[name], bool) or not isinstance(claims[name], int | float):
                raise AuthenticationError(f"{name} is not a number")
        now = self._clock()
        if claims["exp"] + self._leeway < now:
            raise AuthenticationError("token expired")
        if claims["iat"] - self._leeway > now:
            raise AuthenticationError("token issued in the future")
        if not self._replays.first_use(issuer.iss, str(claims["jti"]), claims["exp"] + self._leeway, now):
            raise AuthenticationError("jti already used (replay)")
        return claims

    def _key(self, issuer: Issuer, kid: str, algorithm: str) -> Any:
        for refresh in (False, True):
            for candidate in self._key_set(issuer, refresh=refresh):
                if candidate.get("kid") != kid:
                    continue
                if candidate.get("alg", algorithm) != algorithm:
                    raise AuthenticationError(f"key {kid!r} is for {candidate['alg']}, not {algorithm}")
                try:
                    return jwt.PyJWK(dict(candidate), algorithm=algorithm).key
                except jwt.PyJWTError as error:
                    raise AuthenticationError(f"key {kid!r} is unusable: {error}") from None
            if issuer.jwks is not None:
                break  # configured keys: nothing to refresh
        raise AuthenticationError(f"no key {kid!r} for issuer {issuer.iss!r}")

    def _key_set(self, issuer: Issuer, *, refresh: bool) -> list[Mapping[str, Any]]:
        if issuer.jwks is not None:
            return _keys_of(issuer.jwks)
        with self._lock:
            cached = self._key_sets.get(issuer.iss)
            if cached and not refresh and cached[0] > self._clock():
                return cached[1]
        assert issuer.jwks_url is not None
        try:
            response = requests.get(issuer.jwks_url, timeout=self._timeout)
            response.raise_for_status()
            keys = _keys_of(response.json())
        except (requests.RequestException, ValueError) as error:
            raise AuthenticationError(f"cannot fetch the key set of {issuer.iss!r}: {type(error).__name__}") from None
        with self._lock:
            self._key_sets[issuer.iss] = (self._clock() + JWKS_CACHE_SECONDS, keys)
        return keys


def _keys_of(data: object) -> list[Mapping[str, Any]]:
    keys = data.get("keys") if isinstance(data, Mapping) else None
    if not isinstance(keys, list) or not all(isinstance(key, Mapping) for key in keys):
        raise AuthenticationError('invalid key set: expected {"keys": [...]}')
    return keys


def issuers_from_config(raw: object) -> list[Issuer]:
    """``{"https://ehr.example.org": {"jwks_url": "https://ehr.example.org/jwks"}, ...}``."""
    if raw in (None, "", {}):
        return []
    if not isinstance(raw, Mapping):
        raise ValueError("TRIAGE_CDS_ISSUERS must be a JSON object mapping issuer URIs to {jwks_url | jwks}")
    return [Issuer.from_config(str(iss), settings) for iss, settings in raw.items()]
