"""Where the CLI fits learner models: in this process, in a pool of local processes
(``--workers N``), or on a Dask cluster that is already running (``--dask ADDRESS``).

Only BKT is split (by skill: ``BayesianKnowledgeTracing.fit`` with an executor), and it gives the
same parameters wherever it runs. Local workers are started with ``spawn``: forking a process
whose Rich progress display runs a thread can copy a held lock into the child. On Dask, the
groups are one a worker thread of the cluster. Dask is optional (``pip install
'learnloop[dask]'``); its workers must have learnloop installed, at the same version.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Annotated, Any

import typer

__all__ = ["DaskOption", "WorkersOption", "fit_executor"]

WorkersOption = Annotated[
    int,
    typer.Option(
        min=1, help="fit BKT's skills in this many local processes (the same parameters, sooner)"
    ),
]
DaskOption = Annotated[
    str | None,
    typer.Option(
        "--dask",
        help="fit BKT's skills on this running Dask scheduler (tcp://host:8786) instead",
    ),
]


@contextmanager
def fit_executor(workers: int, dask: str | None) -> Iterator[tuple[Executor | None, int]]:
    """The executor to fit on and the number of groups to split the skills into; (None, 0) for
    this process."""
    if dask is not None:
        if workers != 1:
            raise typer.BadParameter("give --workers or --dask, not both", param_hint="--dask")
        with _dask_client(dask) as client:
            threads = sum(client.nthreads().values())
            if threads == 0:
                raise typer.BadParameter(f"the Dask cluster at {dask} has no workers")
            yield client.get_executor(), threads
        return
    if workers == 1:
        yield None, 0
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool, workers


@contextmanager
def _dask_client(address: str) -> Iterator[Any]:
    try:
        from distributed import Client  # optional: learnloop[dask]
    except ImportError:
        raise typer.BadParameter(
            "Dask is not installed here: pip install 'learnloop[dask]'", param_hint="--dask"
        ) from None
    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise typer.BadParameter(
            f"no Dask scheduler answered at {address} ({exc})", param_hint="--dask"
        ) from None
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
