"""Webhook secrets sealed at rest: what a reader of the database holds, how keys rotate,
and which keys the service refuses to start with."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import ValidationError

from services.notifications.adapters.answers import open_answer, seal_answer
from services.notifications.adapters.sealing import (
    DEVELOPMENT_KEY,
    SecretBox,
    UnknownKey,
    parse_keys,
)
from services.notifications.bootstrap import NotificationsSettings

SECRET = "whsec_" + "s" * 43
HOOK = uuid4()


def key_list(*ids: str) -> tuple[str, dict[str, bytes]]:
    keys = {key_id: os.urandom(32) for key_id in ids}
    return ",".join(f"{i}:{base64.b64encode(k).decode()}" for i, k in keys.items()), keys


def box(text: str) -> SecretBox:
    return SecretBox(tuple(parse_keys(text, "NOTIFICATIONS_SECRETS_KEYS")))


def test_a_sealed_secret_names_its_key_carries_its_nonce_and_opens() -> None:
    text, _ = key_list("2026-11")
    sealed = box(text).seal(SECRET, HOOK)
    prefix, key_id, nonce, _ = sealed.split(":")
    assert (prefix, key_id, len(base64.urlsafe_b64decode(nonce + "=="))) == (
        "aesgcm",
        "2026-11",
        12,
    )
    assert SECRET not in sealed
    assert box(text).seal(SECRET, HOOK) != sealed, "a fresh nonce each time"
    assert box(text).open(sealed, HOOK) == SECRET


def test_a_sealed_secret_opens_only_for_its_webhook_and_untouched() -> None:
    text, _ = key_list("k1")
    sealed = box(text).seal(SECRET, HOOK)
    with pytest.raises(ValueError, match="does not open"):
        box(text).open(sealed, uuid4())
    head, tail = sealed.rsplit(":", 1)
    flipped = head + ":" + ("A" if tail[0] != "A" else "B") + tail[1:]
    with pytest.raises(ValueError, match="does not open"):
        box(text).open(flipped, HOOK)


def test_a_new_key_first_seals_while_the_older_still_opens() -> None:
    old_text, _ = key_list("old")
    new_text, _ = key_list("new")
    by_old = box(old_text).seal(SECRET, HOOK)
    rotated = box(f"{new_text},{old_text}")
    assert rotated.open(by_old, HOOK) == SECRET
    assert rotated.sealed_by_newest(rotated.seal(SECRET, HOOK))
    assert not rotated.sealed_by_newest(by_old)
    with pytest.raises(UnknownKey, match="'old'"):
        box(new_text).open(by_old, HOOK)


def test_a_kept_answer_holds_its_secret_sealed() -> None:
    text, _ = key_list("k1")
    answer = {"id": str(HOOK), "url": "https://p.example.cn/h", "secret": SECRET}
    kept = seal_answer(box(text), answer)
    assert SECRET not in str(kept)
    assert open_answer(box(text), kept) == answer
    assert seal_answer(box(text), {"id": str(HOOK), "status": "sent"}) == {
        "id": str(HOOK),
        "status": "sent",
    }


@pytest.mark.parametrize(
    "keys",
    [
        "k1",
        "k1:" + base64.b64encode(b"short").decode(),
        "k1:not base64!",
        "bad id!:" + base64.b64encode(bytes(32)).decode(),
        "k1:{k},k1:{k}".format(k=base64.b64encode(bytes(32)).decode()),
    ],
)
def test_a_malformed_key_list_refuses_to_start_naming_the_setting(
    keys: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFICATIONS_SECRETS_KEYS", keys)
    with pytest.raises(ValidationError, match=r"NOTIFICATIONS_SECRETS_KEYS: .* is not a key"):
        NotificationsSettings()


def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSFUND_ENV", "production")
    monkeypatch.setenv("QSFUND_AUTH_ISSUER", "https://id.district.example.gov.cn")
    monkeypatch.setenv("QSFUND_AUTH_JWKS_URL", "https://id.district.example.gov.cn/jwks")


def test_production_refuses_the_development_key(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch)
    with pytest.raises(ValidationError, match="development key seals nothing in production"):
        NotificationsSettings()
    development = base64.b64encode(DEVELOPMENT_KEY).decode()
    own, _ = key_list("2026-11")
    monkeypatch.setenv("NOTIFICATIONS_SECRETS_KEYS", f"{own},old:{development}")
    with pytest.raises(ValidationError, match="development key"):
        NotificationsSettings()


def test_production_starts_with_keys_of_its_own_from_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    production(monkeypatch)
    text, _ = key_list("2026-12", "2026-11")
    keys_file = tmp_path / "keys"
    keys_file.write_text(text.replace(",", "\n") + "\n")
    monkeypatch.setenv("NOTIFICATIONS_SECRETS_KEYS_FILE", str(keys_file))
    assert NotificationsSettings().secret_box.newest == "2026-12"
    monkeypatch.setenv("NOTIFICATIONS_SECRETS_KEYS_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValidationError, match="NOTIFICATIONS_SECRETS_KEYS_FILE"):
        NotificationsSettings()
