"""A fake SMS gateway for tests: records what it is asked to send, and fails when told to."""

from __future__ import annotations

import threading
import time

from notifications.gateways import GatewayError


class FakeGateway:
    sent: list[dict] = []
    failures: list[str] = []  # each call pops one and fails with it, while any are left
    pause = 0.0  # seconds each send takes (the concurrency test holds the row lock with it)
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.sent = []
        cls.failures = []
        cls.pause = 0.0

    def send(self, *, mobile: str, text: str, reference: str) -> str:
        with self._lock:
            failure = self.failures.pop(0) if self.failures else None
        if self.pause:
            time.sleep(self.pause)
        if failure is not None:
            raise GatewayError(failure)
        with self._lock:
            self.sent.append({"mobile": mobile, "text": text, "reference": reference})
            return f"fake-{len(self.sent)}"


class BrokenGateway:
    """A gateway with a bug, not a refusal: its error still counts as a failed try."""

    def send(self, *, mobile: str, text: str, reference: str) -> str:
        raise KeyError("missing template")
