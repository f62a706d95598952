"""A notification email on the wire reads back, through the standard library's parser,
as exactly what was written, in ASCII or not, and a header cannot be injected."""

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from uuid import uuid4

import pytest

from services.notifications.adapters.mail import rich_message, wire_message

SENDER = "qsfund@district.example.gov.cn"


def read_back(wire: bytes) -> EmailMessage:
    """As an SMTP server receives it (CRLF line ends) and a mail client reads it."""
    message = message_from_bytes(wire, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Application 42 received", "Your application was received.\n\nApplication: 42\n"),
        ("渝中区质量品牌奖励 申请 42 已受理", "您的申请已受理 等待审核。\n申请编号 42\n"),
        ("A long subject " * 80, "a line far longer than SMTP allows " * 40 + "\n"),
    ],
)
def test_what_is_written_is_what_a_mail_client_reads(subject: str, text: str) -> None:
    event_id = uuid4()
    message_id = make_msgid(idstring=str(event_id), domain="qsfund")
    wire = wire_message(
        sender=SENDER,
        to="office@yuzhong-quality.example.cn",
        subject=subject,
        text=text,
        message_id=message_id,
        event_id=event_id,
    )

    assert all(len(line) <= 998 for line in wire.split(b"\r\n")), "RFC 5322's line limit"
    message = read_back(wire)
    assert message["From"] == SENDER
    assert message["To"] == "office@yuzhong-quality.example.cn"
    assert message["Subject"] == subject
    assert message["Message-ID"] == message_id
    assert message["X-Qsfund-Event-Id"] == str(event_id)
    assert message.get_content_type() == "text/plain"
    assert message.get_content().replace("\r\n", "\n") == text


def test_the_standard_librarys_message_says_the_same() -> None:
    parts = {
        "sender": SENDER,
        "to": "office@yuzhong-quality.example.cn",
        "subject": "Application 42 received",
        "text": "Your application was received.\n",
        "message_id": "<1.2.3@qsfund>",
        "event_id": uuid4(),
    }
    ours = read_back(wire_message(**parts))  # type: ignore[arg-type]
    # As aiosmtplib's send_message puts it on the wire.
    theirs = read_back(rich_message(**parts).as_bytes(policy=policy.SMTP))  # type: ignore[arg-type]
    for header in ("From", "To", "Subject", "Message-ID", "X-Qsfund-Event-Id", "Content-Type"):
        assert ours[header] == theirs[header], header
    assert ours.get_content() == theirs.get_content()


@pytest.mark.parametrize("field", ["to", "subject"])
def test_a_line_break_in_a_header_is_refused(field: str) -> None:
    parts = {"to": "a@example.cn", "subject": "Application 42 received"}
    parts[field] += "\r\nBcc: everyone@example.cn"
    with pytest.raises(ValueError, match="line break"):
        wire_message(
            sender=SENDER, text="hello\n", message_id="<1@qsfund>", event_id=uuid4(), **parts
        )
