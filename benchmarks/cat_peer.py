"""catsim 0.21 on the shared bank, the CAT a user would pick instead: maximum information, its
numerical-search ability estimator, start at θ = 0, 20 items. Runs in `.bench-venv`. Prints JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from catsim.estimation import NumericalSearchEstimator
from catsim.initialization import FixedPointInitializer
from catsim.selection import MaxInfoSelector
from catsim.simulation import Simulator
from catsim.stopping import TestLengthStopper


def main(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text())
    n = len(data["a"])
    items = np.column_stack([data["a"], data["b"], data["c"], np.ones(n)])
    thetas = np.array(data["thetas"])
    simulator = Simulator(items, thetas)
    start = time.perf_counter()
    simulator.simulate(
        initializer=FixedPointInitializer(0.0),
        selector=MaxInfoSelector(),
        estimator=NumericalSearchEstimator(),
        stopper=TestLengthStopper(max_items=data["test_length"]),
    )
    seconds = time.perf_counter() - start
    estimates = np.array(simulator.latest_estimations)
    exposure = np.zeros(n)
    for administered in simulator.administered_items:
        exposure[administered] += 1
    return {
        "catsim 0.21, max information": {
            "rmse": float(np.sqrt(np.mean((estimates - thetas) ** 2))),
            "max_exposure": float(exposure.max() / len(thetas)),
            "ms_per_examinee": 1000 * seconds / len(thetas),
        }
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
