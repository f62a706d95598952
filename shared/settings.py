"""Settings every service shares; each service adds its own class in its bootstrap."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.topics import Topics


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    qsfund_topic_namespace: str = "qsfund"
    # Records fetched and settled together; their offsets are committed once per batch.
    consumer_batch_size: int = Field(500, ge=1, le=10_000)
    # A batch is one transaction; one that fails is applied an event at a time, this many
    # partitions side by side.
    consumer_partition_concurrency: int = Field(4, ge=1, le=64)

    @property
    def topics(self) -> Topics:
        return Topics(self.qsfund_topic_namespace)
