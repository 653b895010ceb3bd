"""The simulated CAT benchmark problem shared by our CAT and catsim: a 300-item 3PL bank drawn from
catsim's own generator distributions (Barrada et al. 2010: a ~ N(1.2, 0.25), b ~ N(0, 1),
c ~ N(0.25, 0.02)), and 1,000 examinees with θ ~ N(0, 1). Written to a JSON file both sides read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np


def main(out: Path, seed: int = 2026) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    bank = {
        "a": np.clip(rng.normal(1.2, 0.25, n), 0.1, None).tolist(),
        "b": rng.normal(0.0, 1.0, n).tolist(),
        "c": np.clip(rng.normal(0.25, 0.02, n), 0.0, None).tolist(),
        "thetas": rng.normal(0.0, 1.0, 1000).tolist(),
        "test_length": 20,
    }
    out.write_text(json.dumps(bank))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
