"""Spaced-review memory model on real review logs (revlogs/supermemo): FSRS-6 with parameters
fitted here (engine/memory.py) beside FSRS-6's default parameters and SuperMemo's own SM-15
predictions, on the same reviews. Each collection (one person) is split in time: parameters are
fitted on the reviews before the moment that leaves 80% of them earlier, and every model is
scored on the reviews after it (a memory's first review has no prediction and is not scored).
Prints JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import track

from learnloop.content.review_logs import read_supermemo_folder
from learnloop.engine.memory import DEFAULT_PARAMETERS, FSRSMemoryModel
from learnloop.engine.metrics import rmse_bins, score


def export_training(datasets: Path, target: Path) -> None:
    """The training reviews of each collection as [memory, day, rating] rows, for the peer."""
    out = {}
    for c in read_supermemo_folder(datasets / "revlogs" / "supermemo"):
        train = c.time_split(0.8)
        h = c.history
        out[c.name] = [
            [int(m), float(d), int(r)]
            for m, d, r in zip(
                h.memory[train], np.floor(c.days[train]), h.rating[train], strict=True
            )
        ]
    target.write_text(json.dumps(out))


def main(datasets: Path, peer: Path | None = None) -> dict[str, object]:
    collections = read_supermemo_folder(datasets / "revlogs" / "supermemo")
    peer_fits = json.loads(peer.read_text()) if peer is not None and peer.exists() else {}
    y_all: list[np.ndarray] = []
    bins_all: list[np.ndarray] = []
    preds: dict[str, list[np.ndarray]] = {"fsrs_fitted": [], "fsrs_default": [], "sm15": []}
    if peer_fits:
        preds["fsrs_package_optimizer"] = []
    peer_seconds = 0.0
    fit_seconds = 0.0
    per_collection = []
    for offset, c in enumerate(
        track(collections, description="fitting FSRS per collection", console=Console(stderr=True))
    ):
        h = c.history
        train = c.time_split(0.8)
        test = ~train & ~h.first & np.isfinite(c.sm15_recall)
        start = time.perf_counter()
        model = FSRSMemoryModel().fit(h, scored=train)
        fit_seconds += time.perf_counter() - start
        y = h.recalled[test].astype(np.float64)
        fitted = model.predict_recall(h)[test]
        y_all.append(y)
        bins_all.append(h.situations()[test] + offset * 1_000_000)  # bins never span people
        preds["fsrs_fitted"].append(fitted)
        preds["fsrs_default"].append(model.predict_recall(h, DEFAULT_PARAMETERS)[test])
        preds["sm15"].append(np.clip(c.sm15_recall[test], 0.0, 1.0))
        if peer_fits:
            fit = peer_fits[c.name]
            peer_seconds += fit["seconds"]
            preds["fsrs_package_optimizer"].append(
                model.predict_recall(h, tuple(fit["parameters"]))[test]
            )
        per_collection.append(
            {
                "name": c.name,
                "reviews": len(h),
                "scored": int(test.sum()),
                "fit_iterations": model.n_iter_,
            }
        )
    y = np.concatenate(y_all)
    bins = np.concatenate(bins_all)
    results = {}
    for name, parts in preds.items():
        p = np.concatenate(parts)
        s = score(y, p)
        results[name] = {"log_loss": s.log_loss, "rmse_bins": rmse_bins(y, p, bins), "auc": s.auc}
    return {
        "collections": len(collections),
        "scored_reviews": len(y),
        "fit_seconds_total": fit_seconds,
        "peer_fit_seconds_total": peer_seconds if peer_fits else None,
        "results": results,
        "per_collection": per_collection,
    }


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--export":
        export_training(Path(sys.argv[1]), Path(sys.argv[3]))
    else:
        print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)))
