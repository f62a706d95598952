"""Webhook secrets sealed at rest with AES-256-GCM: whoever reads the database (a backup,
a replica, a leaked dump) cannot sign as us without the key, which lives in settings.

A sealed secret is `aesgcm:<key id>:<nonce>:<ciphertext>` (base64url): it names the key
that sealed it, so keys rotate (the newest seals, every listed key opens), and carries
its own random 96-bit nonce. The webhook's id is the associated data: a sealed secret
copied onto another webhook's row does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "aesgcm:"
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# Known to anyone who reads this file: development and tests only, refused in production.
DEVELOPMENT_KEY_ID = "dev"
DEVELOPMENT_KEY = hashlib.sha256(b"qsfund notifications development key").digest()
KEYS_RULE = (
    "a comma-separated list of <id>:<base64 of 32 random bytes>, newest first, "
    "ids of 1 to 32 letters, digits, - or _, each id once"
)


class UnknownKey(Exception):
    """A sealed secret names a key the settings do not list (dropped too early?)."""


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def parse_keys(text: str, setting: str) -> list[tuple[str, bytes]]:
    """`id:base64key,...` into (id, key) pairs, newest first; ValueError names the setting."""
    keys: list[tuple[str, bytes]] = []
    for item in re.split(r"[,\s]+", text.strip()):
        key_id, colon, encoded = item.partition(":")
        try:
            key = base64.b64decode(encoded, validate=True) if colon else b""
        except binascii.Error:
            key = b""
        if not KEY_ID.match(key_id) or len(key) != 32 or key_id in dict(keys):
            raise ValueError(f"{setting}: {key_id or item!r} is not a key: {KEYS_RULE}")
        keys.append((key_id, key))
    return keys


@dataclass(frozen=True)
class SecretBox:
    """Seals under the first (newest) key; opens under any listed key."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def newest(self) -> str:
        return self.keys[0][0]

    @property
    def has_development_key(self) -> bool:
        return any(i == DEVELOPMENT_KEY_ID or k == DEVELOPMENT_KEY for i, k in self.keys)

    def sealed_by_newest(self, value: str) -> bool:
        return value.startswith(f"{PREFIX}{self.newest}:")

    def seal(self, secret: str, webhook_id: UUID) -> str:
        key_id, key = self.keys[0]
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, secret.encode(), webhook_id.bytes)
        return f"{PREFIX}{key_id}:{_b64(nonce)}:{_b64(sealed)}"

    def open(self, value: str, webhook_id: UUID) -> str:
        """The secret; one still in clear (stored before sealing began, and sealed at the
        service's start) passes as it is."""
        if not is_sealed(value):
            return value
        key_id, nonce, sealed = value.removeprefix(PREFIX).split(":")
        key = dict(self.keys).get(key_id)
        if key is None:
            raise UnknownKey(f"a webhook secret is sealed by key {key_id!r}, not listed")
        try:
            return AESGCM(key).decrypt(_unb64(nonce), _unb64(sealed), webhook_id.bytes).decode()
        except InvalidTag:
            raise ValueError(f"a webhook secret sealed by key {key_id!r} does not open") from None


def development_box() -> SecretBox:
    return SecretBox(((DEVELOPMENT_KEY_ID, DEVELOPMENT_KEY),))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
