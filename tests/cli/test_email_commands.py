"""`civic311 check-email` and `civic311 run`, as an operator meets them: real processes."""

import os
import signal
import subprocess
import time
import urllib.request

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from civic311.notifications.services import subscribe
from civic311.service_requests import services
from tests.conftest import CITY_HALL
from tests.support.processes import CIVIC311, civic311_env
from tests.support.smtp import SmtpSink, free_port


def check_email(address, tmp_path, **settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC311_")}
    env.update({"CIVIC311_DATA_DIR": str(tmp_path), **settings})
    return subprocess.run(
        [*CIVIC311, "check-email", address], capture_output=True, text=True, env=env, timeout=60
    )


class AuthSink(SmtpSink):
    """A sink that wants user `city` with password `right` (over plain text, for the test)."""

    def start(self):
        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == b"city" and auth_data.password == b"right"
            return AuthResult(success=ok, handled=False)

        self._controller = Controller(
            self.mailbox,
            hostname="127.0.0.1",
            port=self.port,
            auth_require_tls=False,
            authenticator=authenticate,
        )
        self._controller.start()
        return self


def test_check_email_sends_a_test_message(smtp_sink, tmp_path):
    result = check_email("ops@example.org", tmp_path, CIVIC311_SMTP_URL=smtp_sink.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"Sent a test email to ops@example.org through the SMTP server 127.0.0.1:{smtp_sink.port}"
    )
    (message,) = smtp_sink.mailbox.wait_for(1)
    assert message["Subject"] == "civic311 test email" and message["To"] == "ops@example.org"
    assert message["Message-ID"] in result.stdout


def test_check_email_says_nothing_is_listening(tmp_path):
    port = free_port()
    result = check_email("ops@example.org", tmp_path, CIVIC311_SMTP_URL=f"smtp://127.0.0.1:{port}")
    assert result.returncode == 1
    assert (
        f"nothing is listening at the SMTP server 127.0.0.1:{port} (no encryption) "
        "(connection refused)" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_check_email_says_the_password_was_refused_and_never_prints_it(tmp_path):
    sink = AuthSink().start()
    try:
        wrong = check_email(
            "ops@example.org",
            tmp_path,
            CIVIC311_SMTP_URL=f"smtp://city:wrong@127.0.0.1:{sink.port}",
        )
        right = check_email(
            "ops@example.org",
            tmp_path,
            CIVIC311_SMTP_URL=f"smtp://city:right@127.0.0.1:{sink.port}",
        )
    finally:
        sink.stop()
    assert wrong.returncode == 1
    assert "refused the user name or password (535" in wrong.stderr
    assert "as city" in wrong.stderr and "wrong" not in wrong.stderr
    assert right.returncode == 0, right.stderr
    assert len(sink.mailbox.messages) == 1


def test_check_email_says_when_starttls_is_not_offered(smtp_sink, tmp_path):
    result = check_email(
        "ops@example.org", tmp_path, CIVIC311_SMTP_URL=f"{smtp_sink.url}?starttls=1"
    )
    assert result.returncode == 1
    assert "(STARTTLS)" in result.stderr and "STARTTLS extension not supported" in result.stderr


def test_check_email_without_an_smtp_url_writes_a_file_and_says_so(tmp_path):
    result = check_email("ops@example.org", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "CIVIC311_SMTP_URL is empty, so nothing was sent" in result.stdout
    (written,) = (tmp_path / "mail").glob("*.eml")
    assert str(written) in result.stdout
    assert b"To: ops@example.org" in written.read_bytes()


def test_check_email_refuses_a_bad_address(smtp_sink, tmp_path):
    result = check_email("ops at example", tmp_path, CIVIC311_SMTP_URL=smtp_sink.url)
    assert result.returncode == 1
    assert "'ops at example' is not an email address." in result.stderr
    assert smtp_sink.mailbox.messages == []


def test_check_email_refuses_a_bad_smtp_url_in_one_sentence(tmp_path):
    result = check_email("ops@example.org", tmp_path, CIVIC311_SMTP_URL="smtp://u:secret@host:x")
    assert result.returncode == 2
    assert "CIVIC311_SMTP_URL" in result.stderr and "port is not a number" in result.stderr
    assert "secret" not in result.stderr


@pytest.mark.django_db(transaction=True)
def test_run_serves_the_site_and_sends_emails_and_ctrl_c_stops_both(pothole, smtp_sink):
    request = services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"WHEREIST": ["CURB"]},
    )
    subscribe(request=request, email="ben@example.org")
    port = free_port()
    run = subprocess.Popen(
        [*CIVIC311, "run", "--port", str(port), "--workers", "1"],
        env=civic311_env(CIVIC311_SMTP_URL=smtp_sink.url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    try:
        (confirmation,) = smtp_sink.mailbox.wait_for(1, timeout=60)
        assert request.tracking_number in confirmation["Subject"]
        assert wait_for_health(port) == 200
    finally:
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C does: the whole group gets SIGINT
        output, _ = run.communicate(timeout=30)
    assert run.returncode == 0, output
    assert "web server and email worker stopped" in output
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(run.pid, 0)  # nothing of the group is left running


def wait_for_health(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                return reply.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
