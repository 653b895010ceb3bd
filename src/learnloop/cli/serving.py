"""`learnloop serve`: uvicorn, in one process or in several that each listen on the port.

With several workers, each process binds its own socket with SO_REUSEPORT, so that the kernel
spreads connections evenly between them. (uvicorn's own ``workers`` share one listening socket,
and under a burst of new keep-alive connections one process would take them all: measured in
benchmarks/lrs_speed.py, the second worker sat idle.)
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
from pathlib import Path
from types import FrameType

import uvicorn

from learnloop.cli.log_format import logging_config

__all__ = ["serve_app"]

APP = "learnloop.web.app:app_factory"


def _config(
    host: str, port: int, access_log: bool, forwarded_allow_ips: str, log_format: str
) -> uvicorn.Config:
    # The client address (login limits count failures by it) comes from X-Forwarded-For only
    # when the connection comes from a proxy named in ``forwarded_allow_ips``.
    return uvicorn.Config(
        APP, factory=True, host=host, port=port, access_log=False,  # learnloop.request logs them
        proxy_headers=bool(forwarded_allow_ips), forwarded_allow_ips=forwarded_allow_ips or None,
        log_config=logging_config(log_format, access_log=access_log),
    )  # fmt: skip


def _worker(
    host: str, port: int, access_log: bool, forwarded_allow_ips: str, log_format: str
) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    config = _config(host, port, access_log, forwarded_allow_ips, log_format)
    uvicorn.Server(config).run(sockets=[sock])


def serve_app(
    host: str,
    port: int,
    *,
    workers: int,
    access_log: bool,
    forwarded_allow_ips: str = "",
    log_format: str = "text",
    metrics_dir: Path | None = None,
) -> None:
    """Serve until interrupted; with ``workers`` > 1, one process a worker, their metrics kept
    in ``metrics_dir`` (emptied first) for a scrape to add up."""
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.Server(_config(host, port, access_log, forwarded_allow_ips, log_format)).run()
        return
    if metrics_dir is not None:
        metrics_dir.mkdir(parents=True, exist_ok=True)
        for old in metrics_dir.glob("*.db"):
            old.unlink()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)  # the workers inherit it
    context = multiprocessing.get_context("spawn")
    args = (host, port, access_log, forwarded_allow_ips, log_format)
    processes = [context.Process(target=_worker, args=args, daemon=True) for _ in range(workers)]
    for process in processes:
        process.start()

    def stop(signum: int, _frame: FrameType | None) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()
