"""A small TCP proxy in the test's event loop, in front of one RabbitMQ node: it cuts connections
(a partition: sockets closed, new ones refused), hangs them silently (no RST, no FIN: bytes are read
and never passed on), or holds only the server's answers (publisher confirms that never come)."""

from __future__ import annotations

import asyncio
import contextlib


class Proxy:
    def __init__(self, target_port: int, name: str = "") -> None:
        self.target_port = target_port
        self.name = name
        self.port = 0
        self.mode = "open"  # open | cut | hang | hold_down
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._up = asyncio.Event()  # client → server may flow
        self._down = asyncio.Event()  # server → client may flow
        self._up.set()
        self._down.set()

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._close_all()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    # faults -----------------------------------------------------------------------------------
    def cut(self) -> None:
        """A partition: every connection closed, new ones closed at once."""
        self.mode = "cut"
        self._close_all()

    def hang(self) -> None:
        """Silence: nothing passes either way, nothing is closed."""
        self.mode = "hang"
        self._up.clear()
        self._down.clear()

    def hold_down(self) -> None:
        """The client's frames reach the broker; the broker's answers (confirms, heartbeats) do not come back."""
        self.mode = "hold_down"
        self._down.clear()

    def heal(self) -> None:
        self.mode = "open"
        self._up.set()
        self._down.set()

    # plumbing ---------------------------------------------------------------------------------
    def _close_all(self) -> None:
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "cut":
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(
                self._pump(reader, up_writer, self._up), self._pump(up_reader, writer, self._down)
            )
        finally:
            for w in (writer, up_writer):
                self._writers.discard(w)
                with contextlib.suppress(Exception):
                    w.transport.abort()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, flowing: asyncio.Event) -> None:
        with contextlib.suppress(Exception):
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                await flowing.wait()
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.transport.abort()
