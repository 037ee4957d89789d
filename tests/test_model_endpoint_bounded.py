"""`kg draft --model-endpoint`'s request goes through the project's one HTTP client: an endless
answer is read no further than the size limit, a broken HTTP answer is one line, the whole
exchange has a deadline, and the SPARQL endpoint's credentials never go to the model's server."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from kg.draft.model import ask
from kg.errors import InputError

MESSAGES = [{"role": "user", "content": "hello"}]
ANSWER = json.dumps({"choices": [{"message": {"content": "fine"}}]}).encode()


def _serve(answer: Callable[[socket.socket, bytes], None]) -> Iterator[tuple[str, list[bytes]]]:
    """A loopback server that reads each request's head and body and answers with `answer`."""
    seen: list[bytes] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def run() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                while len(body) < length:
                    body += conn.recv(65536)
                seen.append(head)
                with contextlib.suppress(OSError):  # the client gave up: as it should
                    answer(conn, body)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1", seen
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _ok(conn: socket.socket, _body: bytes) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
        % (len(ANSWER), ANSWER)
    )


def _endless(conn: socket.socket, _body: bytes) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[")
    for _ in range(4096):  # 64 MiB at most, far over the test's limit of 1 MiB
        conn.sendall(b"0," * 8192)


def _broken(conn: socket.socket, _body: bytes) -> None:
    conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")


def _silent(conn: socket.socket, _body: bytes) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
    time.sleep(3)


@pytest.fixture
def model(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[bytes]]]:
    yield from _serve(request.param)


@pytest.mark.parametrize("model", [_ok], indirect=True)
def test_the_answer_is_read_and_no_sparql_credentials_are_sent(
    model: tuple[str, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = model
    monkeypatch.setenv("KG_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "secret")
    assert ask(url, MESSAGES, "m", 10) == "fine"
    assert seen[0].startswith(b"POST /v1/chat/completions HTTP/1.1\r\n")
    assert b"authorization" not in seen[0].lower()


@pytest.mark.parametrize("model", [_endless], indirect=True)
def test_an_endless_answer_is_read_no_further_than_the_limit(
    model: tuple[str, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _seen = model
    monkeypatch.setenv("KG_MAX_RESPONSE", "1M")
    with pytest.raises(InputError) as err:
        ask(url, MESSAGES, "m", 20)
    line = str(err.value)
    assert line.startswith("the model endpoint did not answer: ") and "\n" not in line
    assert "answer over the size limit of 1,048,576 bytes" in line


@pytest.mark.parametrize("model", [_broken], indirect=True)
def test_a_broken_http_answer_is_one_line(model: tuple[str, list[bytes]]) -> None:
    url, _seen = model
    with pytest.raises(InputError) as err:
        ask(url, MESSAGES, "m", 10)
    line = str(err.value)
    assert line.startswith("the model endpoint did not answer: ") and "\n" not in line
    assert "not a valid HTTP answer" in line


@pytest.mark.parametrize("model", [_silent], indirect=True)
def test_a_trickling_answer_ends_at_the_deadline(model: tuple[str, list[bytes]]) -> None:
    url, _seen = model
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        ask(url, MESSAGES, "m", 1)
    assert time.monotonic() - started < 2.5
    assert "no complete answer within 1 s" in str(err.value)


def test_credentials_in_the_model_url_are_refused() -> None:
    with pytest.raises(InputError) as err:
        ask("http://user:pw@127.0.0.1:9/v1", MESSAGES, "m", 1)
    assert str(err.value).startswith("--model-endpoint 'http://user:***@127.0.0.1:9/v1")
