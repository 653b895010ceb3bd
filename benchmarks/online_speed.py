"""Online speed: microseconds to predict a learner's next answer and to update their state after
one answer, per model (median over 20,000 calls each; issue target: 50 µs).

Models are fitted on kt/assistments09's training set when the datasets are present, else on a
simulated log; the calls replay the test learners' answers one by one, as the platform would.
Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from learnloop.content.response_logs import read_dataset
from learnloop.engine import BKTParams
from learnloop.engine.models import MODELS, make_model
from learnloop.engine.simulation import simulate_bkt_log

CALLS = 20_000


def main(datasets: Path) -> dict[str, object]:
    if (datasets / "kt" / "assistments09").is_dir():
        split = read_dataset(datasets, "kt/assistments09")
        train, test, source = split.train, split.test, "kt/assistments09"
    else:
        log = simulate_bkt_log(
            [BKTParams(0.3, 0.2, 0.2, 0.1)] * 5,
            n_learners=800,
            length=(5, 20),
            items_per_skill=20,
            rng=np.random.default_rng(0),
        )
        train, test, source = log, log, "simulated"
    rows = list(
        zip(
            test.learner[:CALLS].tolist(),
            test.item[:CALLS].tolist(),
            test.skill[:CALLS].tolist(),
            test.correct[:CALLS].tolist(),
            strict=True,
        )
    )
    out: dict[str, object] = {"source": source, "calls": len(rows), "models": {}}
    for name in MODELS:
        model = make_model(name).fit(train)
        states: dict[int, object] = {}
        predict_ns, update_ns = np.empty(len(rows)), np.empty(len(rows))
        clock = time.perf_counter_ns
        for i, (learner, item, skill, correct) in enumerate(rows):
            state = states.get(learner)
            if state is None:
                state = states[learner] = model.initial_state()
            t0 = clock()
            model.predict(state, item, skill)
            t1 = clock()
            states[learner] = model.update(state, item, skill, bool(correct))
            t2 = clock()
            predict_ns[i], update_ns[i] = t1 - t0, t2 - t1
        out["models"][name] = {  # type: ignore[index]
            "predict_median_us": float(np.median(predict_ns) / 1000),
            "update_median_us": float(np.median(update_ns) / 1000),
            "predict_p99_us": float(np.percentile(predict_ns, 99) / 1000),
            "update_p99_us": float(np.percentile(update_ns, 99) / 1000),
        }
        print(
            f"{name:18s} predict {np.median(predict_ns) / 1000:6.1f} µs  update {np.median(update_ns) / 1000:6.1f} µs",
            file=sys.stderr,
        )
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets"))))
