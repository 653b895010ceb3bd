"""Our CAT (engine/adaptive_test.py) on the shared bank: EAP, maximum information, item
eligibility at 25% exposure, 20 items, starting from the N(0, 1) prior (θ = 0). Prints JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from learnloop.engine.adaptive_test import ItemBank, simulate_cat


def main(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text())
    bank = ItemBank(np.array(data["a"]), np.array(data["b"]), np.array(data["c"]))
    thetas = np.array(data["thetas"])
    out: dict[str, object] = {}
    for label, cap in (
        ("learnloop CAT, max information, no exposure control", None),
        ("learnloop CAT, max information, eligibility at 25%", 0.25),
    ):
        start = time.perf_counter()
        result = simulate_cat(
            bank,
            thetas,
            rng=np.random.default_rng(1),
            max_items=data["test_length"],
            randomesque=1,
            max_exposure=cap,
        )
        seconds = time.perf_counter() - start
        out[label] = {
            "rmse": result.rmse(thetas),
            "max_exposure": float(result.exposure.max()),
            "ms_per_examinee": 1000 * seconds / len(thetas),
        }
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
