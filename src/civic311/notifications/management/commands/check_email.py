"""`civic311 check-email ADDRESS`: send one test email now and say exactly what failed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from civic311.core import clock, site
from civic311.notifications import mailer
from civic311.notifications.services import new_message_id


class Command(BaseCommand):
    help = "Send a test email through CIVIC311_SMTP_URL, right away, bypassing the outbox."

    def add_arguments(self, parser) -> None:
        parser.add_argument("address", help="where to send the test email")

    def handle(self, *args, address: str, **options) -> None:
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(f"'{address}' is not an email address.") from None
        config = settings.CIVIC311
        transport = mailer.transport_for(config)
        message_id = new_message_id()
        message = mailer.compose(
            subject="civic311 test email",
            text=_TEXT.format(base_url=site.base_url(), when=clock.now().isoformat()),
            html=f"<p>{_TEXT.format(base_url=site.base_url(), when=clock.now().isoformat())}</p>",
            to=address,
            from_email=config.from_email,
            headers={"Auto-Submitted": "auto-generated"},
            message_id=message_id,
        )
        try:
            transport.open()
            transport.send(message)
        except Exception as exc:
            sentence, _ = mailer.describe_failure(exc, transport)
            raise CommandError(f"the test email to {address} was not sent: {sentence}.") from None
        finally:
            transport.close()
        if config.smtp_server is None:
            where = transport.directory / mailer.eml_name(message_id)  # type: ignore[attr-defined]
            self.stdout.write(
                f"CIVIC311_SMTP_URL is empty, so nothing was sent: the test email was written "
                f"to {where}. Set CIVIC311_SMTP_URL to send real email."
            )
            return
        self.stdout.write(
            f"Sent a test email to {address} through {transport.describe()}; "
            f"Message-ID {message_id}."
        )


_TEXT = (
    "This is a test email from civic311 at {base_url}, sent at {when} by "
    "`civic311 check-email`. If you can read it, email alerts can be delivered."
)
