"""Start and stop a real Celery worker (and beat) subprocess for end-to-end and reliability tests."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class WorkerProcess:
    """A `celery -A worker.celery_app worker` subprocess on the given database and broker."""

    def __init__(self, database_url: str, broker_url: str, log_dir: Path, *, beat: bool = True) -> None:
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            REDIS_URL=broker_url if broker_url.startswith("redis") else "",
            CELERY_BROKER_URL=broker_url,
            LMS_CONFIG="development",
            LMS_INSTANCE_DIR=str(log_dir / "instance"),
            SECRET_KEY="worker-test",
            RECOMPUTE_STEP_PEOPLE="1",  # one commune per step, so a kill can land between steps
        )
        self.log_dir = log_dir
        self.beat = beat
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"worker-{self.starts}.log"

    def start(self, timeout: float = 60) -> None:
        """Start the worker and wait until it is ready to consume."""
        self.starts += 1
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.celery_app",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test{self.starts}@%h",
        ]
        if self.beat:
            cmd += ["-B", "-s", str(self.log_dir / "beat-schedule")]
        log = open(self.log_path, "wb")  # noqa: SIM115 - kept open for the process's life
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready:\n{self.log_path.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker process group (main process and pool children)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop the worker gracefully, or kill it."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
