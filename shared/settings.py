"""Settings every service shares; each service adds its own class in its bootstrap."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.topics import Topics


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    qsfund_topic_namespace: str = "qsfund"

    @property
    def topics(self) -> Topics:
        return Topics(self.qsfund_topic_namespace)
