"""A private `redis-server` on a free port, for tests that kill or restart the broker.

The machine's Redis is shared with other test runs and services: a test that restarts Redis
restarts its own one, never that.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.services import IN_CI


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRedis:
    """A `redis-server` subprocess without persistence: `restart()` comes back empty."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if IN_CI:
                pytest.fail("CI=true but redis-server is not installed")
            pytest.skip("needs the redis-server binary (always run in CI)")
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        import redis

        self.workdir.mkdir(parents=True, exist_ok=True)
        cmd = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        cmd += ["--dir", str(self.workdir)]
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 - kept open for the process's life
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise AssertionError(f"private redis-server on port {self.port} did not start")

    def stop(self) -> None:
        """Kill the server: whatever it held is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        """Kill the server and start it again, empty, on the same port."""
        self.stop()
        time.sleep(0.5)
        self.start()
