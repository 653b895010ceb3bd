"""The peer for spaced review: the ``fsrs`` package's own optimizer (PyTorch), run in its own
environment (.bench-fsrs-venv: torch 2.13 CPU and fsrs[optimizer]), on the training reviews that
benchmarks/memory.py exported. Writes each collection's fitted parameters and fit time."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import Rating, ReviewLog
from fsrs.optimizer import Optimizer

T0 = datetime(2020, 1, 1, tzinfo=UTC)


def main(source: Path, target: Path) -> None:
    data = json.loads(source.read_text())
    out = {}
    for name, rows in data.items():
        logs = [
            ReviewLog(
                card_id=int(card) + 1,
                rating=Rating(int(r)),
                review_datetime=T0 + timedelta(days=float(d)),
                review_duration=None,
            )
            for card, d, r in rows
        ]
        start = time.perf_counter()
        parameters = Optimizer(logs).compute_optimal_parameters()
        seconds = time.perf_counter() - start
        out[name] = {"parameters": list(parameters), "seconds": seconds}
        print(f"{name}: {seconds:.1f} s", file=sys.stderr)
    target.write_text(json.dumps(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
