"""Handing emails over: to an SMTP server (smtp://, smtps://, STARTTLS) or to .eml files.

The worker and `civic311 check-email` use the same transports, and
`describe_failure` turns whatever went wrong into one sentence an operator can
act on, plus whether trying again could help.
"""

from __future__ import annotations

import binascii
import email.policy
import functools
import os
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Protocol

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME

from civic311.config import Config, SmtpServer


@dataclass(frozen=True)
class Outgoing:
    """A composed message and its envelope, ready for any transport."""

    sender: str
    recipient: str
    message_id: str
    data: bytes


class Transport(Protocol):
    """Something that delivers finished messages; open once, send many, close."""

    def describe(self) -> str:
        """Where mail goes, in words."""
        ...

    def open(self) -> None:
        """Connect (and log in) before the first message."""
        ...

    def send(self, message: Outgoing) -> None:
        """Deliver one composed message (see `compose`) or raise."""
        ...

    def close(self) -> None:
        """Disconnect; never raises."""
        ...


class SmtpTransport:
    """One SMTP connection, kept open across messages."""

    def __init__(self, server: SmtpServer, timeout: float) -> None:
        self.server = server
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def describe(self) -> str:
        """The server in words (never the password)."""
        return f"the SMTP server {self.server.describe()}"

    def open(self) -> None:
        """Connect, start TLS when asked, log in when a user is given."""
        if self._connection is not None:
            return
        server, context = self.server, ssl.create_default_context()
        hostname = DNS_NAME.get_fqdn()
        if server.ssl:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host,
                server.port,
                local_hostname=hostname,
                timeout=self.timeout,
                context=context,
            )
        else:
            connection = smtplib.SMTP(
                server.host, server.port, local_hostname=hostname, timeout=self.timeout
            )
        try:
            if server.starttls:
                connection.starttls(context=context)
            if server.username:
                connection.login(server.username, server.password)
        except BaseException:
            connection.close()
            raise
        self._connection = connection

    def send(self, message: Outgoing) -> None:
        """Deliver one composed message over the open connection."""
        if self._connection is None:
            self.open()
        assert self._connection is not None
        try:
            self._connection.sendmail(message.sender, [message.recipient], message.data)
        except (smtplib.SMTPServerDisconnected, OSError):
            # A dead connection cannot be reused; the next send reconnects.
            self.close()
            raise

    def close(self) -> None:
        """Say goodbye politely if the server still listens."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


class FileTransport:
    """Writes each message to `<directory>/<message id>.eml`, for local use without SMTP."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def describe(self) -> str:
        """Where the files go."""
        return f"files in {self.directory}"

    def open(self) -> None:
        """Make sure the folder exists."""
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, message: Outgoing) -> None:
        """Write the message atomically; a resend overwrites the same file."""
        self.open()
        path = self.directory / eml_name(message.message_id)
        partial = path.with_suffix(".eml.partial")
        partial.write_bytes(message.data)
        os.replace(partial, path)

    def close(self) -> None:
        """Nothing to close."""


def eml_name(message_id: str) -> str:
    """A safe file name for a Message-ID like <abc@host>."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in message_id.strip("<> "))
    return f"{safe or 'message'}.eml"


def transport_for(config: Config) -> Transport:
    """The transport CIVIC311_SMTP_URL asks for: SMTP, or .eml files when it is empty."""
    server = config.smtp_server
    if server is None:
        return FileTransport(config.mail_path)
    return SmtpTransport(server, timeout=config.smtp_timeout_seconds)


def compose(
    *,
    subject: str,
    text: str,
    html: str,
    to: str,
    from_email: str,
    headers: dict[str, str],
    message_id: str,
) -> Outgoing:
    """A multipart/alternative (text + HTML) message as SMTP-ready bytes, Message-ID fixed.

    Written by hand rather than with the email package's policy machinery, which costs
    about 2 ms per message and would cap one worker well below 200 messages a second.
    The parts are plain MIME: quoted-printable UTF-8 bodies, RFC 2047 encoded headers.
    """
    boundary = f"=_civic311_{uuid.uuid4().hex}"
    sender, recipient = _address(from_email), _address(to)
    lines = [
        f"From: {sender}",
        f"To: {recipient}",
        f"Subject: {_header_value(subject)}",
        f"Date: {formatdate(usegmt=True)}",
        f"Message-ID: {_header_value(message_id)}",
        *(f"{name}: {_header_value(value)}" for name, value in headers.items()),
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        f"--{boundary}",
        *_part("plain", text),
        f"--{boundary}",
        *_part("html", html),
        f"--{boundary}--",
        "",
    ]
    return Outgoing(
        sender=parseaddr(sender)[1],
        recipient=parseaddr(recipient)[1],
        message_id=message_id,
        data="\r\n".join(lines).encode("ascii"),
    )


def _part(subtype: str, body: str) -> list[str]:
    normalised = body.replace("\r\n", "\n").replace("\r", "\n")
    encoded = binascii.b2a_qp(normalised.encode("utf-8"), istext=True).decode("ascii")
    return [
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        encoded.replace("\n", "\r\n"),
    ]


def _header_value(value: str) -> str:
    # No line breaks may reach a header (header injection); non-ASCII becomes RFC 2047.
    flat = " ".join(str(value).split())
    if flat.isascii():
        return flat
    return Header(flat, "utf-8", maxlinelen=76).encode(linesep="\r\n")


@functools.lru_cache(maxsize=1024)
def _address(value: str) -> str:
    name, address = parseaddr(value)
    if not address:
        raise ValueError(f"{value!r} is not an email address")
    local, _, domain = address.rpartition("@")
    if not domain.isascii():
        address = f"{local}@{domain.encode('idna').decode('ascii')}"
    if not local.isascii():
        raise ValueError(
            f"{value!r} has non-ASCII before the @, which SMTP without SMTPUTF8 cannot carry"
        )
    return formataddr((" ".join(name.split()), address), charset="utf-8")


def describe_failure(error: BaseException, transport: Transport) -> tuple[str, bool]:
    """(one sentence saying what failed, whether it is permanent so retrying cannot help)."""
    where = transport.describe()
    match error:
        case smtplib.SMTPRecipientsRefused():
            (address, (code, reply)), *_ = error.recipients.items()
            return f"{where} refused the address {address}: {_reply(code, reply)}", code >= 500
        case smtplib.SMTPSenderRefused():
            return (
                f"{where} refused the From address {error.sender} "
                f"({_reply(error.smtp_code, error.smtp_error)}); check CIVIC311_FROM_EMAIL",
                False,
            )
        case smtplib.SMTPAuthenticationError():
            return (
                f"{where} refused the user name or password "
                f"({_reply(error.smtp_code, error.smtp_error)}); check CIVIC311_SMTP_URL",
                False,
            )
        case smtplib.SMTPNotSupportedError():
            return f"{where} does not support what was asked: {error}", False
        case smtplib.SMTPDataError():
            return (
                f"{where} refused the message: {_reply(error.smtp_code, error.smtp_error)}",
                error.smtp_code >= 500,
            )
        case smtplib.SMTPServerDisconnected():
            return (
                f"{where} closed the connection unexpectedly ({error or 'no reason given'})",
                False,
            )
        case smtplib.SMTPResponseException():
            return f"{where} answered {_reply(error.smtp_code, error.smtp_error)}", False
        case ConnectionRefusedError():
            return f"nothing is listening at {where} (connection refused)", False
        case socket.gaierror():
            return f"the mail server's host name does not resolve ({where}: {error})", False
        case TimeoutError():
            return f"{where} did not answer in time ({error or 'timed out'})", False
        case ssl.SSLError():
            return (
                f"TLS failed with {where} ({error}); smtps:// is usually port 465 and "
                "smtp://…?starttls=1 port 587",
                False,
            )
        case OSError():
            return f"could not reach {where} ({error})", False
        case ValueError():
            return f"the email could not be written: {error}", True
    return f"{where}: {type(error).__name__}: {error}", False


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"


class EmlFileBackend(BaseEmailBackend):
    """A Django mail backend writing .eml files, so Django's own emails go where ours go."""

    def __init__(self, *, directory: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.transport = FileTransport(Path(directory))

    def send_messages(self, email_messages) -> int:
        """Write each message; return how many were written."""
        for message in email_messages:
            built = message.message(policy=email.policy.SMTP)
            self.transport.send(
                Outgoing(
                    sender=parseaddr(str(built["From"]))[1],
                    recipient=parseaddr(str(built["To"]))[1],
                    message_id=str(built["Message-ID"]),
                    data=built.as_bytes(),
                )
            )
        return len(email_messages)
