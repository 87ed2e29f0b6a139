"""Pure rules of email delivery: the SMTP URL, the retry schedule, the composed message."""

import datetime as dt
import email
import email.policy

import pytest

from civic311.config import ConfigError, SmtpServer, load, parse_smtp_url
from civic311.notifications import mailer
from civic311.notifications.outbox import backoff


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://127.0.0.1:2525", SmtpServer("127.0.0.1", 2525)),
        ("smtp://mail.example.org", SmtpServer("mail.example.org", 25)),
        (
            "smtp://alerts:p%40ss@mail.example.org?starttls=1",
            SmtpServer("mail.example.org", 587, "alerts", "p@ss", starttls=True),
        ),
        (
            "smtps://a%40city.gov:pw@mail.example.org",
            SmtpServer("mail.example.org", 465, "a@city.gov", "pw", ssl=True),
        ),
        ("smtp://h:2587?tls=true", SmtpServer("h", 2587, starttls=True)),
    ],
)
def test_smtp_urls_are_understood(url, server):
    assert parse_smtp_url(url) == server
    assert load({"CIVIC311_SMTP_URL": url}).smtp_server == server


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://mail.example.org", "use smtp://host:port"),
        ("smtp://", "names no mail server host"),
        ("smtp://h:port", "port is not a number"),
        ("smtp://h?starttls=1&ssl=1", "unknown option 'ssl'"),
        ("smtps://h?starttls=1", "already encrypted"),
    ],
)
def test_a_bad_smtp_url_is_one_sentence_naming_the_setting(url, words):
    with pytest.raises(ConfigError) as caught:
        load({"CIVIC311_SMTP_URL": url})
    assert str(caught.value).startswith("CIVIC311_SMTP_URL=") and words in str(caught.value)


def test_a_bad_smtp_url_never_shows_its_password():
    with pytest.raises(ConfigError) as caught:
        load({"CIVIC311_SMTP_URL": "smtp://alerts:hunter2@h:x"})
    assert "hunter2" not in str(caught.value) and "alerts:***@h" in str(caught.value)


def test_no_smtp_url_means_files_in_the_data_directory(tmp_path):
    config = load({"CIVIC311_DATA_DIR": str(tmp_path)})
    assert config.smtp_server is None
    assert mailer.transport_for(config).describe() == f"files in {tmp_path.resolve() / 'mail'}"


def test_the_server_is_described_without_its_password():
    server = parse_smtp_url("smtp://alerts:hunter2@mail.example.org?starttls=1")
    assert server.describe() == "mail.example.org:587 (STARTTLS, as alerts)"


def test_retries_double_from_the_first_delay_up_to_an_hour():
    minute = dt.timedelta(minutes=1)
    waits = [backoff(attempt, minute) for attempt in range(1, 9)]
    assert waits[:6] == [minute * n for n in (1, 2, 4, 8, 16, 32)]
    assert waits[6:] == [dt.timedelta(hours=1)] * 2


def compose(**overrides):
    fields = {
        "subject": "Completed: 26-00001234 Pothole in Street",
        "text": "Status changed.\nFilled with hot asphalt.\n.\nA line with a dot.\n",
        "html": "<p>Status changed.</p>",
        "to": "ana@example.org",
        "from_email": "Chicago 311 <no-reply@311.example.org>",
        "headers": {"List-Unsubscribe": "<https://311.example.org/subscriptions/unsubscribe/x>"},
        "message_id": "<abc.civic311@311.example.org>",
        **overrides,
    }
    outgoing = mailer.compose(**fields)
    return outgoing, email.message_from_bytes(outgoing.data, policy=email.policy.default)


def test_a_composed_message_reads_back_exactly():
    outgoing, message = compose()
    assert (outgoing.sender, outgoing.recipient) == ("no-reply@311.example.org", "ana@example.org")
    assert message["Subject"] == "Completed: 26-00001234 Pothole in Street"
    assert message["From"] == "Chicago 311 <no-reply@311.example.org>"
    assert message["Message-ID"] == "<abc.civic311@311.example.org>"
    assert message["List-Unsubscribe"] == "<https://311.example.org/subscriptions/unsubscribe/x>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # SMTP's CRLF
    assert text == "Status changed.\nFilled with hot asphalt.\n.\nA line with a dot.\n"
    assert message.get_body(("html",)).get_content() == "<p>Status changed.</p>"
    assert all(len(line) <= 998 for line in outgoing.data.split(b"\r\n"))
    assert b"\n" not in outgoing.data.replace(b"\r\n", b"")


def test_non_ascii_subjects_names_and_bodies_survive():
    _, message = compose(
        subject="Actualización: 26-00001234 — bache reparado",
        from_email="Ciudad de Chicago 311 ñ <no-reply@311.example.org>",
        text="Señal de «alto» reparada. " * 20,
        to="jose@ejemplo.méx",
    )
    assert message["Subject"] == "Actualización: 26-00001234 — bache reparado"
    assert message["From"].addresses[0].display_name == "Ciudad de Chicago 311 ñ"
    assert message["To"] == "jose@ejemplo.xn--mx-bja"
    assert message.get_body(("plain",)).get_content() == "Señal de «alto» reparada. " * 20


def test_no_line_break_can_reach_a_header():
    _, message = compose(subject="Hello\r\nBcc: victim@example.org")
    assert message["Bcc"] is None
    assert message["Subject"] == "Hello Bcc: victim@example.org"


def test_an_address_smtp_cannot_carry_is_refused():
    with pytest.raises(ValueError, match="non-ASCII before the @"):
        compose(to="josé@example.org")
