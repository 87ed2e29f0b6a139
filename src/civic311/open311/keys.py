"""API keys: a random secret shown once, stored only as its SHA-256 hash.

A key reads `live_…` or `sandbox_…` so a developer sees at a glance which
endpoint it belongs to. SHA-256 (not a slow password hash) is right here: the
secret has 192 random bits, so nobody can guess it from the hash, and every
POST can check it with one indexed lookup. Pure: no database.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

PREFIX_LENGTH = 12


@dataclass(frozen=True)
class NewKey:
    """A freshly made key: `secret` goes to the client once; the rest is stored."""

    secret: str
    prefix: str
    hash: str


def make_key(*, sandbox: bool) -> NewKey:
    """A new random key for the production API or the sandbox."""
    secret = f"{'sandbox' if sandbox else 'live'}_{secrets.token_urlsafe(24)}"
    return NewKey(secret=secret, prefix=secret[:PREFIX_LENGTH], hash=hash_key(secret))


def hash_key(secret: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(secret.strip().encode("utf-8", "replace")).hexdigest()
