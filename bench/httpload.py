"""A small closed-loop HTTP/1.1 load generator on asyncio streams (no third-party client is installed).

Each of ``concurrency`` keep-alive connections sends a GET, reads the whole answer (Content-Length or
chunked), and sends the next one at once, until the time is up. Written for the pages benchmark: one
process, the standard library only, so its own cost stays small next to the server's.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    bytes_read: int = 0
    seconds: float = 0.0


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body length, whether the server closes the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    closing = headers.get("connection", "").lower() == "close"
    if "content-length" in headers:
        length = int(headers["content-length"])
        await reader.readexactly(length)
        return status, length, closing
    if headers.get("transfer-encoding", "").lower() == "chunked":
        total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            total += size
            if size == 0:
                return status, total, closing
    body = await reader.read()
    return status, len(body), True


async def _connection(host: str, port: int, request: bytes, stop_at: float, result: LoadResult) -> None:
    reader = writer = None
    try:
        while time.perf_counter() < stop_at:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(request)
            status, length, closing = await _read_answer(reader)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            result.bytes_read += length
            if closing:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


def load(*, host: str, port: int, path: str, cookie: str, concurrency: int, duration: float) -> LoadResult:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\nAccept: text/html\r\n"
        "Accept-Language: ru\r\nConnection: keep-alive\r\n\r\n"
    ).encode("latin-1")
    result = LoadResult()

    async def main() -> None:
        stop_at = time.perf_counter() + duration
        started = time.perf_counter()
        await asyncio.gather(*(_connection(host, port, request, stop_at, result) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started

    asyncio.run(main())
    return result
