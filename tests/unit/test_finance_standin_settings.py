"""The stand-in's settings: the development pair only when nothing is set, comma lists of
secrets long enough to hold 256 bits, and never in production."""

import pytest
from pydantic import ValidationError

from services.payments.adapters.finance import (
    DEVELOPMENT_FROM_BUREAU_SECRET,
    DEVELOPMENT_TO_BUREAU_SECRET,
)
from standins.finance_bureau.settings import StandInSettings

NEW = "new-inbound-secret-0123456789abcdef"
OLD = "old-inbound-secret-0123456789abcdef"
OUT = "outbound-secret-0123456789abcdef0123"


@pytest.fixture(autouse=True)
def no_settings_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FINANCE_STANDIN_INBOUND_SECRETS", "FINANCE_STANDIN_OUTBOUND_SECRETS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("QSFUND_ENV", raising=False)


def test_with_nothing_set_it_uses_the_development_pair_the_payments_service_uses() -> None:
    settings = StandInSettings()
    assert settings.inbound_secrets == [DEVELOPMENT_TO_BUREAU_SECRET]
    assert settings.outbound_secrets == [DEVELOPMENT_FROM_BUREAU_SECRET]
    assert (settings.port, settings.slow_seconds) == (8090, 35.0)


def test_secrets_are_comma_lists_newest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINANCE_STANDIN_INBOUND_SECRETS", f"{NEW}, {OLD}")
    monkeypatch.setenv("FINANCE_STANDIN_OUTBOUND_SECRETS", OUT)
    settings = StandInSettings()
    assert (settings.inbound_secrets, settings.outbound_secrets) == ([NEW, OLD], [OUT])


def test_one_direction_set_without_the_other_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINANCE_STANDIN_INBOUND_SECRETS", NEW)
    with pytest.raises(ValidationError, match="or neither"):
        StandInSettings()


def test_a_short_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINANCE_STANDIN_INBOUND_SECRETS", f"{NEW},secret")
    monkeypatch.setenv("FINANCE_STANDIN_OUTBOUND_SECRETS", OUT)
    with pytest.raises(ValidationError, match="at least 32 characters"):
        StandInSettings()


def test_it_never_runs_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSFUND_ENV", "production")
    with pytest.raises(ValidationError, match="never run it in production"):
        StandInSettings()
