"""The gateways: console and file for laptops and demos, and the HTTPS JSON adapter for a real
provider, exercised against a fake provider on this machine's loopback address."""

import hashlib
import hmac
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications.gateways import (
    ConsoleGateway,
    FileGateway,
    GatewayError,
    HttpJsonGateway,
    get_gateway,
)

SECRET = "test-secret"


def test_the_setting_picks_the_gateway(settings):
    settings.SMS_GATEWAY = "console"
    assert isinstance(get_gateway(), ConsoleGateway)
    settings.SMS_GATEWAY = "file"
    assert isinstance(get_gateway(), FileGateway)
    settings.SMS_GATEWAY = "tests.notifications.fakes.FakeGateway"
    assert type(get_gateway()).__name__ == "FakeGateway"


def test_the_console_shows_the_signed_text_and_hides_the_number(settings):
    settings.SMS_SIGN_NAME = "云浮法律援助"
    stream = io.StringIO()
    assert ConsoleGateway(stream).send(mobile="13800005678", text="您的申请已收到。", reference="7") == "console-7"
    assert stream.getvalue() == "[短信 7] 138****5678 【云浮法律援助】您的申请已收到。\n"


def test_the_file_gateway_appends_one_json_line_a_message(tmp_path):
    path = tmp_path / "sms" / "sent.jsonl"
    gateway = FileGateway(path)
    gateway.send(mobile="13800005678", text="一", reference="1")
    gateway.send(mobile="13900001111", text="二", reference="2")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(line["mobile"], line["text"], line["reference"]) for line in lines] == [
        ("13800005678", "【云浮法律援助】一", "1"),
        ("13900001111", "【云浮法律援助】二", "2"),
    ]


class FakeProvider(BaseHTTPRequestHandler):
    """Checks the signature as a provider would, and answers as told by the test (`reply`)."""

    reply: tuple[int, bytes] = (200, b"{}")
    received: list[dict] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = hmac.new(
            SECRET.encode(),
            self.headers["X-Sms-Timestamp"].encode() + b"\n" + self.headers["X-Sms-Nonce"].encode() + b"\n" + body,
            hashlib.sha256,
        ).hexdigest()
        if self.headers["X-Sms-Key-Id"] != "key-1" or not hmac.compare_digest(
            expected, self.headers["X-Sms-Signature"]
        ):
            status, payload = 403, b'{"code": "SignatureDoesNotMatch"}'
        else:
            FakeProvider.received.append(json.loads(body))
            status, payload = self.reply
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def provider():
    FakeProvider.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def gateway_for(server, *, secret: str = SECRET) -> HttpJsonGateway:
    return HttpJsonGateway(
        url=f"http://127.0.0.1:{server.server_port}/sms/send", key_id="key-1", secret=secret, sign_name="云浮法律援助"
    )


def test_http_gateway_posts_a_signed_request_and_returns_the_provider_id(provider):
    FakeProvider.reply = (200, json.dumps({"code": "OK", "message_id": "msg-42"}).encode())
    assert gateway_for(provider).send(mobile="13800005678", text="您的申请已收到。", reference="12") == "msg-42"
    assert FakeProvider.received == [
        {
            "phone_numbers": ["13800005678"],
            "sign_name": "云浮法律援助",
            "content": "您的申请已收到。",
            "out_id": "outbox-12",
        }
    ]


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ((200, b'{"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "invalid mobile"}'), "isv.MOBILE_NUMBER_ILLEGAL"),
        ((200, b"<html>busy</html>"), "不是 JSON"),
        ((503, b"overloaded"), "HTTP 503"),
    ],
)
def test_http_gateway_turns_a_refusal_into_a_gateway_error(provider, reply, error):
    FakeProvider.reply = reply
    with pytest.raises(GatewayError, match=error):
        gateway_for(provider).send(mobile="13800005678", text="x", reference="1")


def test_http_gateway_with_a_wrong_secret_is_refused(provider):
    with pytest.raises(GatewayError, match="HTTP 403"):
        gateway_for(provider, secret="wrong").send(mobile="13800005678", text="x", reference="1")


def test_http_gateway_reports_a_provider_it_cannot_reach():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    port = server.server_port
    server.server_close()  # nothing listens there any more
    gateway = HttpJsonGateway(url=f"http://127.0.0.1:{port}/", key_id="k", secret="s", timeout=2)
    with pytest.raises(GatewayError, match="无法连接短信平台"):
        gateway.send(mobile="13800005678", text="x", reference="1")
