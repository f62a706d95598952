"""Sending a notification by email over SMTP."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from uuid import UUID

import aiosmtplib

from ..domain.delivery import Attempted


class SmtpSender:
    def __init__(self, *, host: str, port: int, sender: str, timeout: float) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout

    async def send(self, *, to: str, subject: str, text: str, event_id: UUID) -> Attempted:
        """Hand one message to the SMTP server; ok once the server accepted it."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        # The same event id on a resend lets a mail client or archive tell it is one.
        message["Message-ID"] = make_msgid(idstring=str(event_id), domain="qsfund")
        message["X-Qsfund-Event-Id"] = str(event_id)
        message.set_content(text)
        try:
            _, reply = await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            return Attempted(ok=False, error=f"{type(error).__name__}: {error}"[:2000])
        return Attempted(ok=True, reply=reply[:2000])
