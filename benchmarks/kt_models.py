"""Our learner models on the published splits of kt/assistments09 and kt/assist2015.

The same harness as `learnloop evaluate` (one prediction per interaction, test learners never seen
in training). BKT also runs with a single EM start, the setting pyBKT's figure is measured with.
Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from learnloop.content.response_logs import read_dataset
from learnloop.engine import BayesianKnowledgeTracing
from learnloop.engine.metrics import score
from learnloop.engine.models import MODELS
from learnloop.reports.model_evaluation import evaluate_models, summarize


def bkt_one_start(datasets: Path) -> dict[str, float | str]:
    split = read_dataset(datasets, "kt/assistments09")
    model = BayesianKnowledgeTracing(n_restarts=1)
    start = time.perf_counter()
    model.fit(split.train)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = model.predict_proba(split.test)
    predict_seconds = time.perf_counter() - start
    s = score(split.test.correct, predicted)
    return {
        "model": "bkt (1 EM start)",
        "auc": s.auc,
        "rmse": s.rmse,
        "accuracy": s.accuracy,
        "log_loss": s.log_loss,
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
    }


def main(datasets: Path) -> dict[str, object]:
    out: dict[str, object] = {"bkt_one_start": bkt_one_start(datasets)}
    for name in ("kt/assistments09", "kt/assist2015"):
        split = read_dataset(datasets, name)
        results = evaluate_models(
            [(split.train, split.test)],
            list(MODELS),
            progress=lambda m, n=name: print(f"{n}: {m}", file=sys.stderr),
        )
        out[name] = summarize(results)
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets"))))
