"""The chat benchmark's baseline: a bare ``websockets`` server that sends every text frame straight back.

python -m bench.echo_server    (prints "echo listening on <port>")
"""

from __future__ import annotations

import asyncio

from websockets.asyncio.server import serve


async def echo(connection) -> None:
    async for frame in connection:
        await connection.send(frame)


async def main() -> None:
    async with serve(echo, "127.0.0.1", 0, compression=None, max_queue=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"echo listening on {port}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
