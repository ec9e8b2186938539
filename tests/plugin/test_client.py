"""The HTTP client's pacing, masking and transport errors, without a real target."""

from __future__ import annotations

import base64
import json

import pytest

from pytest_jetonomy.client import JetonomyClient, TransportError
from pytest_jetonomy.credentials import Credential
from pytest_jetonomy.masking import mask_headers, mask_text, mask_url, register_secrets
from pytest_jetonomy.options import Settings
from pytest_jetonomy.pacing import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_pacer_waits_for_the_reset_before_the_bucket_runs_dry() -> None:
    clock = FakeClock()
    pacer = Pacer(reserve=2, sleep=clock.sleep, clock=clock)
    pacer.after("member", {"X-RateLimit-Remaining": "10", "X-RateLimit-Reset": "30"})
    pacer.before("member")
    assert clock.slept == []
    pacer.after("member", {"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "7"})
    pacer.before("member")
    assert clock.slept == [pytest.approx(7.25)]
    pacer.before("member")  # after the reset, the bucket is unknown again: no more waiting
    assert len(clock.slept) == 1


def test_pacer_ignores_unlimited_and_missing_headers() -> None:
    clock = FakeClock()
    pacer = Pacer(reserve=2, sleep=clock.sleep, clock=clock)
    pacer.after("admin", {"X-RateLimit-Remaining": "-1", "X-RateLimit-Reset": "60"})
    pacer.after("other", {})
    pacer.before("admin")
    pacer.before("other")
    assert clock.slept == []


def test_pacer_caps_requests_per_second() -> None:
    clock = FakeClock()
    pacer = Pacer(max_rps=4, sleep=clock.sleep, clock=clock)
    for _ in range(3):
        pacer.before("member")
    assert clock.slept == [pytest.approx(0.25), pytest.approx(0.25)]


def test_retry_delay_prefers_retry_after() -> None:
    pacer = Pacer()
    assert pacer.retry_delay({"Retry-After": "3", "X-RateLimit-Reset": "9"}) == pytest.approx(3.25)
    assert pacer.retry_delay({"X-RateLimit-Reset": "9"}) == pytest.approx(9.25)


def test_masking_headers_urls_and_text() -> None:
    register_secrets(["s3cr3t-app-pass"])
    assert mask_headers({"Authorization": "Basic abc", "X-WP-Nonce": "n", "Accept": "x"}) == {
        "Authorization": "***",
        "X-WP-Nonce": "***",
        "Accept": "x",
    }
    assert "n0nce" not in mask_url("http://h/x?_wpnonce=n0nce&limit=2")
    assert "limit=2" in mask_url("http://h/x?_wpnonce=n0nce&limit=2")
    assert mask_text("pw is s3cr3t-app-pass") == "pw is ***"
    assert "QWxh" not in mask_text("Authorization: Basic QWxhZGRpbjpvcGVu")
    assert "abc" not in mask_text("Cookie: wordpress_logged_in_x=abc; other=1")


def test_masking_masks_values_not_words() -> None:
    """Issue 12: the title of JT-AUTH-003 read "HTTP Basic *** with an Application Password"."""
    title = "Basic auth with an Application Password authenticates as that user"
    assert mask_text(title) == title
    assert mask_text("Bearer tokens are not documented") == "Bearer tokens are not documented"
    assert mask_text("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30") == (
        "Authorization: Bearer ***"
    )
    basic = base64.b64encode(b"ci:hunter22").decode()
    assert mask_text(f"sent Basic {basic} again") == "sent Basic *** again"


def test_masking_hides_the_password_of_a_url() -> None:
    """Issue 12: a target URL's password was printed in the header, the JSON and the HTML."""
    url = "https://ci:s3cret-gate@staging.example/wp-json/jetonomy/v1/spaces?limit=2"
    for masked in (mask_url(url), mask_text(f"target: {url} (from --target-url)")):
        assert "s3cret-gate" not in masked
        assert "https://ci:***@staging.example/" in masked
    assert mask_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"  # a port is no password


def test_masking_hides_a_url_password_holding_an_at() -> None:
    """Review: the password of ``https://ci:p@ss@staging...`` runs to the last ``@`` before
    the host (as urlsplit reads it); it was masked only up to its first ``@``."""
    assert mask_url("https://ci:p@ss@staging.example/x") == "https://ci:***@staging.example/x"
    assert mask_text("https://ci:p@ss@staging.example") == "https://ci:***@staging.example"
    # a later URL, a mail address or a query in the same text stays out of the password
    text = "from https://ci:p@ss@a.example/x?to=me@b.example to http://bot:w@rd@b.example/y"
    assert mask_text(text) == (
        "from https://ci:***@a.example/x?to=me@b.example to http://bot:***@b.example/y"
    )
    assert mask_text("https://ci:pw@a.example mail me@b.example") == (
        "https://ci:***@a.example mail me@b.example"
    )


def test_settings_from_json_register_the_password_of_the_target_url() -> None:
    """Review: an xdist worker builds its settings from the controller's JSON and never
    validated the URL, so its password was no secret there (masked in a URL only)."""
    text = json.dumps(
        {
            "target_url": "http://ci:pw-from-json-7@host.example",
            "target_source": "--target-url",
            "credentials_path": None,
            "credentials_source": "default",
            "request_timeout": 10.0,
            "run_prefix": "jt-x",
        }
    )
    assert mask_text("echoed pw-from-json-7") == "echoed pw-from-json-7"  # not yet known
    Settings.from_json(text)
    assert mask_text("echoed pw-from-json-7") == "echoed ***"


def test_connection_refused_is_one_clear_line() -> None:
    client = JetonomyClient("http://127.0.0.1:1", Credential("member", "m", "pw pw pw"), timeout=2)
    with pytest.raises(TransportError) as info:
        client.get("/spaces")
    assert str(info.value) == (
        "GET http://127.0.0.1:1/wp-json/jetonomy/v1/spaces as member: connection refused"
    )


def test_exchange_records_are_masked() -> None:
    client = JetonomyClient(
        "http://127.0.0.1:1", Credential("member", "m", "pw-pw-pw-pw"), timeout=2
    )
    with pytest.raises(TransportError):
        client.post("/flags", json={"password": "hunter22", "reason": "x"})
    exchange = client.history[-1]
    assert exchange.request_headers["Authorization"] == "***"
    assert exchange.request_body == {"password": "***", "reason": "x"}


def test_exclusive_holds_other_processes_back(tmp_path) -> None:
    """A bucket-emptying check's embargo makes other pacers (other xdist workers) wait."""
    import threading
    import time

    holder = Pacer(shared_dir=tmp_path, run_prefix="jtc-test")
    other = Pacer(shared_dir=tmp_path, run_prefix="jtc-test")
    released = threading.Event()

    def release_later() -> None:
        time.sleep(0.6)
        released.set()

    with holder.exclusive("anonymous"):
        threading.Thread(target=release_later).start()
        holder.before("anonymous")  # the holder is not held back by its own embargo
        other.before("member")  # another identity is not held back
        assert not released.is_set()
        waiter = threading.Thread(target=other.before, args=("anonymous",))
        waiter.start()
        waiter.join(timeout=0.3)
        assert waiter.is_alive(), "an anonymous request went out during the embargo"
        released.wait()
    waiter.join(timeout=2)
    assert not waiter.is_alive()
    assert other.stats["embargo_waits"] >= 1


def test_a_target_that_stopped_answering_fails_fast() -> None:
    """Three timeouts in a row: later requests fail at once, naming the silence."""
    import socket
    import time

    from pytest_jetonomy.client import SILENCE

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # connections are accepted by the kernel, never answered
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    client = JetonomyClient(url, Credential("member", "m", "pw pw pw"), timeout=0.3)
    try:
        for _ in range(2):  # a GET is retried once: the third timeout silences the target
            with pytest.raises(TransportError, match="no answer within 0.3 s"):
                client.get("/spaces")
        started = time.monotonic()
        with pytest.raises(TransportError) as info:
            client.post("/spaces", json={"name": "x"})
        assert time.monotonic() - started < 0.2
        assert "not sent: the target stopped answering (3 requests in a row" in str(info.value)
    finally:
        SILENCE.reset()
        listener.close()


def test_embargo_that_begins_during_a_pacing_wait_is_honoured(tmp_path) -> None:
    """A worker sleeping until its bucket resets must not send when it wakes up if another
    worker started emptying that bucket meanwhile (its request would meet that 429)."""
    clock = FakeClock()
    holder = Pacer(shared_dir=tmp_path, run_prefix="jtc-test")
    sleeper = Pacer(
        reserve=2, sleep=clock.sleep, clock=clock, shared_dir=tmp_path, run_prefix="jtc-test"
    )
    sleeper.after("anonymous", {"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "5"})
    embargo = holder.exclusive("anonymous")
    lifted_after = 3

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.slept) == 1:
            embargo.__enter__()  # the other worker begins while this one waits for the reset
        elif len(clock.slept) == 1 + lifted_after:
            embargo.__exit__(None, None, None)

    sleeper.sleep = sleep
    sleeper.before("anonymous")
    assert clock.slept[0] == pytest.approx(5.25)  # the reset wait
    assert len(clock.slept) == 1 + lifted_after  # then held until the embargo was lifted
    assert sleeper.stats["embargo_began_while_pacing"] == 1


def test_max_rps_wait_does_not_loop() -> None:
    clock = FakeClock()
    pacer = Pacer(max_rps=2, sleep=clock.sleep, clock=clock)
    pacer.before("member")
    pacer.before("member")
    assert clock.slept == [pytest.approx(0.5)]


def test_workers_pace_from_one_shared_view_of_a_bucket(tmp_path) -> None:
    """Under xdist each worker sends as the same identities: a worker that never heard an
    answer (or heard one long ago) must still see the Remaining another worker learned, and
    every request claims a unit of it before it goes out."""
    clock = FakeClock()
    one, two = (
        Pacer(reserve=2, sleep=clock.sleep, clock=clock, shared_dir=tmp_path, run_prefix="jt")
        for _ in range(2)
    )
    two.after("anonymous", {"X-RateLimit-Remaining": "20", "X-RateLimit-Reset": "40"})
    one.after("anonymous", {"X-RateLimit-Remaining": "4", "X-RateLimit-Reset": "30"})
    two.before("anonymous")  # claims one: 3 left
    one.before("anonymous")  # claims one: 2 left, the reserve
    assert clock.slept == []
    two.before("anonymous")
    assert clock.slept == [pytest.approx(30.25)]
    # the reset passed: the first answer of the new window is taken as it is...
    one.after("anonymous", {"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "60"})
    # ...and a late answer from that same window cannot raise what is left
    one.after("anonymous", {"X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "60"})
    two.before("anonymous")
    assert clock.slept[-1] == pytest.approx(60.25)


def test_idempotent_requests_are_retried_with_backoff_and_writes_never() -> None:
    slept: list[float] = []
    pacer = Pacer(sleep=slept.append)
    client = JetonomyClient(
        "http://127.0.0.1:1", Credential("member", "m", "pw pw pw"), timeout=2, pacer=pacer
    )
    with pytest.raises(TransportError, match="connection refused"):
        client.get("/spaces")
    assert slept == [0.5, 1.0]
    assert [e.method for e in client.history] == ["GET"] * 3
    slept.clear()
    with pytest.raises(TransportError, match="connection refused"):
        client.post("/spaces", json={"name": "x"})
    assert slept == [] and [e.method for e in list(client.history)[3:]] == ["POST"]
