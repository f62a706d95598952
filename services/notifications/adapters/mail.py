"""A notification email as it goes on the wire: RFC 5322 headers and a plain UTF-8 body.

Written out directly rather than built as an `EmailMessage`: the standard library parses
every header it is given and folds every header it writes, 1.7 ms of CPU a message,
which was most of what sending an email cost us. What we send is always the same shape,
so the rules it needs are few and kept here: no line break in a header value (header
injection), non-ASCII header text as RFC 2047 encoded words, a body of ASCII lines of at
most 998 characters as 7bit, any other body in base64. An address that is not ASCII
(an internationalised mailbox) needs SMTPUTF8, which the standard library's message and
aiosmtplib's `send_message` negotiate: such a message is still built that way.
"""

from __future__ import annotations

import base64
from email.header import Header
from email.message import EmailMessage
from uuid import UUID

# RFC 5322 2.1.1: a line MUST be at most 998 characters; we keep headers shorter still.
MOST_PER_LINE = 998
PLAIN_HEADER = 900


def wire_message(
    *, sender: str, to: str, subject: str, text: str, message_id: str, event_id: UUID
) -> bytes:
    """The message's bytes, CRLF line ends; ValueError names a header holding a line break."""
    for name, value in (("From", sender), ("To", to), ("Subject", subject)):
        if "\r" in value or "\n" in value:
            raise ValueError(f"{name}: a header may not hold a line break")
    lines = text.splitlines()
    if text.isascii() and all(len(line) <= MOST_PER_LINE for line in lines):
        encoding, body = "7bit", "\r\n".join(lines) + "\r\n"
    else:
        encoding = "base64"
        body = base64.encodebytes(text.encode()).decode().replace("\n", "\r\n")
    headers = (
        f"From: {sender}\r\n"
        f"To: {to}\r\n"
        f"Subject: {_header_text(subject)}\r\n"
        f"Message-ID: {message_id}\r\n"
        f"X-Qsfund-Event-Id: {event_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n"
    )
    return f"{headers}\r\n{body}".encode("ascii")


def _header_text(value: str) -> str:
    if value.isascii() and len(value) <= PLAIN_HEADER:
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


def rich_message(
    *, sender: str, to: str, subject: str, text: str, message_id: str, event_id: UUID
) -> EmailMessage:
    """The same message built by the standard library, for addresses that are not ASCII."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["X-Qsfund-Event-Id"] = str(event_id)
    message.set_content(text)
    return message
