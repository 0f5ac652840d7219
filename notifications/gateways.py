"""Where text messages leave the portal: one small class per kind of gateway, chosen by SMS_GATEWAY.

A gateway sends one message and returns the provider's message id, or raises `GatewayError`, after
which the outbox tries again later (`services.deliver`). `reference` is the outbox row's own id,
passed to the provider as its idempotency field (阿里云 OutId, 腾讯云 SessionContext), so that a
provider that deduplicates drops a repeat sent after a lost reply.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """The message did not go out (provider refused it, or could not be reached)."""


class SmsGateway(Protocol):
    def send(self, *, mobile: str, text: str, reference: str) -> str: ...


def get_gateway() -> SmsGateway:
    path = settings.SMS_GATEWAYS.get(settings.SMS_GATEWAY, settings.SMS_GATEWAY)
    return import_string(path)()


def signed(text: str) -> str:
    """The text as the phone shows it: the provider puts the registered 签名 in front."""
    return f"【{settings.SMS_SIGN_NAME}】{text}"


class ConsoleGateway:
    """The laptop and demo default: the worker prints what it would send (number masked)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, mobile: str, text: str, reference: str) -> str:
        self.stream.write(f"[短信 {reference}] {mobile[:3]}****{mobile[-4:]} {signed(text)}\n")
        self.stream.flush()
        return f"console-{reference}"


class FileGateway:
    """Appends each message to SMS_FILE_PATH as one JSON line: a record of what would have gone out,
    for a demo install or an office testing its set-up without a provider contract."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, *, mobile: str, text: str, reference: str) -> str:
        line = {"at": timezone.now().isoformat(), "mobile": mobile, "text": signed(text), "reference": reference}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as stream:
                stream.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError as error:
            raise GatewayError(f"无法写入短信记录文件：{error}") from error
        return f"file-{reference}"


class HttpJsonGateway:
    """A provider's HTTPS JSON API, in the shape the 阿里云 and 腾讯云 SMS APIs share: a POST with the
    numbers, the registered 签名 and an idempotency id, signed with an HMAC of the key's secret; the
    reply names the provider's message id. A 政务短信平台 or an adapter in front of a commercial provider
    speaks it (README: 短信网关):

        POST SMS_HTTP_URL
        X-Sms-Key-Id: SMS_HTTP_KEY_ID
        X-Sms-Timestamp: 1767225600              (seconds; the provider refuses stale requests)
        X-Sms-Nonce: 32 hex characters           (the provider refuses a repeated nonce)
        X-Sms-Signature: hex(HMAC-SHA256(SMS_HTTP_SECRET, timestamp + "\\n" + nonce + "\\n" + body))
        {"phone_numbers": ["13800005678"], "sign_name": "云浮法律援助", "content": "…", "out_id": "outbox-12"}

        200 {"code": "OK", "message_id": "…"}    anything else is a failure, tried again later
    """

    def __init__(
        self, *, url: str = "", key_id: str = "", secret: str = "", sign_name: str = "", timeout: int | None = None
    ) -> None:
        self.url = url or settings.SMS_HTTP_URL
        self.key_id = key_id or settings.SMS_HTTP_KEY_ID
        self.secret = secret or settings.SMS_HTTP_SECRET
        self.sign_name = sign_name or settings.SMS_SIGN_NAME
        self.timeout = timeout or settings.SMS_HTTP_TIMEOUT

    def signature(self, *, timestamp: str, nonce: str, body: bytes) -> str:
        message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()

    def send(self, *, mobile: str, text: str, reference: str) -> str:
        body = json.dumps(
            {"phone_numbers": [mobile], "sign_name": self.sign_name, "content": text, "out_id": f"outbox-{reference}"},
            ensure_ascii=False,
        ).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Sms-Key-Id": self.key_id,
                "X-Sms-Timestamp": timestamp,
                "X-Sms-Nonce": nonce,
                "X-Sms-Signature": self.signature(timestamp=timestamp, nonce=nonce, body=body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (URL from settings)
                reply = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise GatewayError(f"短信平台返回 HTTP {error.code}：{_detail(error)}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise GatewayError(f"无法连接短信平台：{getattr(error, 'reason', error)}") from error
        except ValueError as error:
            raise GatewayError("短信平台的答复不是 JSON。") from error
        if not isinstance(reply, dict) or reply.get("code") != "OK" or not reply.get("message_id"):
            code = reply.get("code") if isinstance(reply, dict) else None
            message = reply.get("message") if isinstance(reply, dict) else None
            raise GatewayError(f"短信平台拒绝发送：{code or '无代码'} {message or ''}".strip())
        return str(reply["message_id"])


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        return error.read().decode("utf-8", "replace")[:200]
    except OSError:
        return ""
