"""BKT fitted by skill on two cores: in this process, in two local processes, and on a local Dask
cluster of two single-threaded workers (what `learnloop fit-model --workers 2` and `--dask` do).

The training logs of kt/assistments09 and kt/assist2015; `bkt` and `bkt-forgetting`; each fit
three times, the median wall time. The pool and the cluster are started before the clock (their
start-up is paid once a command, not once a fit). Every split fit is checked to give the very
same parameters as the fit in this process.

Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers by default; with that variable set,
glibc stops raising its mmap threshold and every large numpy array is mapped anew (the fit in one
process took 9.0 s against 5.7 s with it set on kt/assist2015). The cluster here starts its
workers without it, as docs/operations.md advises for a cluster that fits learner models; the
default is measured too.

Usage: parallel_fit.py DATASETS_ROOT   (prints the result JSON as its last line)
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import dask
import numpy as np
from distributed import Client, LocalCluster
from rich.console import Console
from rich.progress import Progress

from learnloop.content.response_logs import read_dataset
from learnloop.engine import BayesianKnowledgeTracing, ResponseLog

console = Console(stderr=True)
REPEATS = 3
WORKERS = 2
LEARNED = ("prior_", "learn_", "guess_", "slip_", "forget_", "n_iter_")


def timed(log: ResponseLog, forgetting: bool, executor: Executor | None) -> tuple[float, object]:
    times, model = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        bkt = BayesianKnowledgeTracing(forgetting=forgetting)
        model = bkt.fit(log, executor=executor, parts=WORKERS) if executor else bkt.fit(log)
        times.append(time.perf_counter() - start)
    return statistics.median(times), model


def same(a: object, b: object) -> bool:
    return all(np.array_equal(getattr(a, n), getattr(b, n)) for n in LEARNED)


@contextmanager
def cluster(default_environment: bool) -> Iterator[LocalCluster]:
    environment: dict[str, object] = (
        {} if default_environment else {"distributed.nanny.pre-spawn-environ": {}}
    )
    with (
        dask.config.set(environment),
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
        ) as started,
    ):
        yield started


def connected(started: LocalCluster) -> Client:
    return Client(started)  # type: ignore[no-untyped-call]


def main() -> None:
    root = Path(sys.argv[1])
    logs = {name: read_dataset(root, name).train for name in ("kt/assistments09", "kt/assist2015")}
    results: dict[str, dict[str, object]] = {}
    spawn = multiprocessing.get_context("spawn")
    with (
        Progress(console=console, transient=True) as progress,
        ProcessPoolExecutor(WORKERS, mp_context=spawn) as pool,
    ):
        list(pool.map(abs, range(WORKERS)))  # both processes started
        task = progress.add_task("BKT fits", total=len(logs) * 2 * 4)
        for name, log in logs.items():
            for forgetting in (False, True):
                model = "bkt-forgetting" if forgetting else "bkt"
                here, reference = timed(log, forgetting, None)
                progress.advance(task)
                processes, split = timed(log, forgetting, pool)
                progress.advance(task)
                row: dict[str, object] = {
                    "answers": len(log),
                    "skills": len(np.unique(log.skill)),
                    "one_process_s": here,
                    "two_processes_s": processes,
                    "same_parameters": same(split, reference),
                }
                with cluster(default_environment=False) as c, connected(c) as client:
                    row["dask_s"], on_dask = timed(log, forgetting, client.get_executor())
                row["dask_same_parameters"] = same(on_dask, reference)
                progress.advance(task)
                results[f"{name} {model}"] = row
        # Last: a nanny that sets MALLOC_TRIM_THRESHOLD_ sets it in this process as well (its
        # workers inherit this environment), and every cluster started after it would have it.
        for name, log in logs.items():
            for forgetting in (False, True):
                row = results[f"{name} {'bkt-forgetting' if forgetting else 'bkt'}"]
                with cluster(default_environment=True) as c, connected(c) as client:
                    row["dask_default_env_s"], _ = timed(log, forgetting, client.get_executor())
                progress.advance(task)
    for key, row in results.items():
        console.print(
            f"{key}: {row['one_process_s']:.2f} s here, {row['two_processes_s']:.2f} s on two "
            f"processes, {row['dask_s']:.2f} s on Dask ({row['dask_default_env_s']:.2f} s with "
            "its default worker environment)"
        )
    print(json.dumps({"workers": WORKERS, "repeats": REPEATS, "fits": results}))


if __name__ == "__main__":
    main()
