"""What every event payload is: a frozen pydantic model with a name and a schema version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Contract(BaseModel):
    """An event payload. Subclasses are named in the past tense and never change shape
    without a new schema_version and an upcaster from the previous one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    aggregate_type: ClassVar[str]
    # upcasters[n] turns a version-n payload into a version-(n+1) payload.
    upcasters: ClassVar[dict[int, Upcaster]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.event_type = cls.__name__

    def aggregate_id(self) -> str:
        raise NotImplementedError
