"""Sending a notification by email over SMTP."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import make_msgid
from functools import partial
from uuid import UUID

import aiosmtplib

from ..domain.delivery import Attempted
from .mail import rich_message, wire_message


class SmtpSender:
    """Keeps a few SMTP sessions open between messages: a new session per message cost
    its connection, its EHLO, and a look-up of this host's name in a thread. At most
    `sessions` messages are in flight, so a batch sent at once reuses the kept sessions
    rather than opening one a message."""

    def __init__(
        self, *, host: str, port: int, sender: str, timeout: float, sessions: int = 4
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout
        self.sessions = sessions
        self._idle: list[aiosmtplib.SMTP] = []
        self._in_flight = asyncio.Semaphore(sessions)
        # EHLO names the sender's domain rather than asking the resolver for ours.
        self._local_hostname = sender.rpartition("@")[2] or "qsfund"

    async def send(self, *, to: str, subject: str, text: str, event_id: UUID) -> Attempted:
        """Hand one message to the SMTP server; ok once the server accepted it."""
        async with self._in_flight:
            return await self._send(to=to, subject=subject, text=text, event_id=event_id)

    async def _send(self, *, to: str, subject: str, text: str, event_id: UUID) -> Attempted:
        # The same event id on a resend lets a mail client or archive tell it is one.
        message_id = make_msgid(idstring=str(event_id), domain="qsfund")
        parts = {"to": to, "subject": subject, "text": text, "message_id": message_id}
        try:
            if to.isascii() and self.sender.isascii():
                wire = wire_message(sender=self.sender, event_id=event_id, **parts)
                send = partial(_sendmail, sender=self.sender, to=to, message=wire)
            else:
                rich = rich_message(sender=self.sender, event_id=event_id, **parts)
                send = partial(_send_message, message=rich)
        except ValueError as error:  # a line break in a header
            return _refused(error)
        session = self._idle.pop() if self._idle else None
        if session is not None:
            try:
                return self._accepted(session, await send(session))
            except (aiosmtplib.SMTPServerDisconnected, OSError):
                session.close()  # the server dropped an idle session: start a new one
            except aiosmtplib.SMTPException as error:
                session.close()
                return _refused(error)
        try:
            session = aiosmtplib.SMTP(
                hostname=self.host,
                port=self.port,
                timeout=self.timeout,
                local_hostname=self._local_hostname,
            )
            await session.connect()
            return self._accepted(session, await send(session))
        except (aiosmtplib.SMTPException, OSError) as error:
            if session is not None:
                session.close()
            return _refused(error)

    def _accepted(self, session: aiosmtplib.SMTP, response: tuple[object, str]) -> Attempted:
        if len(self._idle) < self.sessions:
            self._idle.append(session)
        else:
            session.close()
        return Attempted(ok=True, reply=response[1][:2000])


def _refused(error: BaseException) -> Attempted:
    return Attempted(ok=False, error=f"{type(error).__name__}: {error}"[:2000])


async def _sendmail(
    session: aiosmtplib.SMTP, *, sender: str, to: str, message: bytes
) -> tuple[object, str]:
    return await session.sendmail(sender, [to], message)


async def _send_message(session: aiosmtplib.SMTP, *, message: EmailMessage) -> tuple[object, str]:
    return await session.send_message(message)
