"""pyBKT 1.4.3 on kt/assistments09's published split: the peer our BKT is compared with.

Runs in its own environment (`.bench-venv`, made by `make bench`): pyBKT needs numpy<2 and
scikit-learn<1.7, which learnloop does not. Standard BKT, one model per skill_id (the item's KC
combination, as in the dataset), one EM start (num_fits=1), no forgetting. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
from pyBKT.models import Model
from sklearn.metrics import roc_auc_score


def main(datasets: Path) -> None:
    folder = datasets / "kt" / "assistments09"
    frames = []
    for name in ("train", "test"):
        df = pd.read_csv(folder / f"preprocessed_data_{name}.csv", sep="\t")
        df["order_id"] = range(len(df))  # rows of a learner are in time order in the file
        df["skill_name"] = df["skill_id"].astype(str)
        frames.append(df)
    train, test = frames
    columns = {
        "order_id": "order_id",
        "skill_name": "skill_name",
        "correct": "correct",
        "user_id": "user_id",
    }
    model = Model(seed=42, num_fits=1)
    start = time.perf_counter()
    model.fit(data=train, defaults=columns)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = model.predict(data=test)
    predict_seconds = time.perf_counter() - start
    auc = roc_auc_score(predicted["correct"], predicted["correct_predictions"])
    print(
        json.dumps(
            {
                "model": "pyBKT 1.4.3 (1 EM start)",
                "auc": auc,
                "fit_seconds": fit_seconds,
                "predict_seconds": predict_seconds,
                "n_test": len(predicted),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets"))
