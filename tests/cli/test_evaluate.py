"""`learnloop evaluate` on data the test makes, and a smoke run on real data where it is present."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from learnloop.cli.main import app
from learnloop.engine import BKTParams
from learnloop.engine.simulation import simulate_bkt_log

runner = CliRunner()
DATASETS = Path(
    os.environ.get("LEARNLOOP_DATASETS", Path(__file__).parents[2].parent / "shared" / "datasets")
)


def simulated_csv(path: Path, rng: np.random.Generator, learners: range) -> int:
    log = simulate_bkt_log(
        [BKTParams(0.2, 0.2, 0.2, 0.1), BKTParams(0.4, 0.1, 0.25, 0.1)],
        n_learners=len(learners), length=(4, 10), items_per_skill=3, rng=rng,
    )  # fmt: skip
    lines = ["user_id,item_id,skill_id,correct"]
    for who, item, skill, c in zip(log.learner, log.item, log.skill, log.correct, strict=True):
        # every third item exercises both skills: a multi-skill item is still one scored row
        skills = "a_b" if item % 3 == 0 else "ab"[skill]
        lines.append(f"u{learners[who]},i{item},{skills},{c}")
    path.write_text("\n".join(lines) + "\n")
    return len(log)


def test_evaluate_scores_every_model_once_per_interaction(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    simulated_csv(tmp_path / "train.csv", rng, range(0, 150))
    n_test = simulated_csv(tmp_path / "test.csv", rng, range(1000, 1050))
    args = ["evaluate", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv"),
            "--models", "all", "--json", str(tmp_path / "out.json"), "--chart", str(tmp_path / "cal.svg")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out.json").read_text())
    names = [r["model"] for r in data["results"]]
    assert names == [
        "bkt",
        "bkt-forgetting",
        "irt-rasch",
        "irt-2pl",
        "pfa",
        "best-lr",
        "best-lr+recency",
        "best-lr+patterns",
    ]
    for row in data["results"]:
        assert row["n_test"] == n_test
        assert 0.55 < row["auc"] <= 1.0, row
        assert row["fit_seconds"] > 0
        assert {"rmse", "accuracy", "log_loss", "predict_seconds"} <= set(row)
    assert (tmp_path / "cal.svg").read_text().startswith("<svg")
    assert "AUC" in result.output


def test_evaluate_cv5_and_bad_arguments(tmp_path: Path, rng: np.random.Generator) -> None:
    simulated_csv(tmp_path / "all.csv", rng, range(0, 100))
    ok = runner.invoke(
        app,
        [
            "evaluate",
            "--dataset",
            str(tmp_path / "all.csv"),
            "--split",
            "cv5",
            "--models",
            "bkt",
            "--json",
            str(tmp_path / "cv.json"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    (row,) = json.loads((tmp_path / "cv.json").read_text())["results"]
    assert row["folds"] == 5
    assert "auc_std" in row
    bad = runner.invoke(
        app, ["evaluate", "--dataset", str(tmp_path / "all.csv"), "--models", "dkt"]
    )
    assert bad.exit_code != 0
    assert "unknown model" in bad.output


@pytest.mark.skipif(not (DATASETS / "kt").is_dir(), reason=f"datasets not found at {DATASETS}")
def test_smoke_evaluation_on_a_sample_of_assistments09(tmp_path: Path) -> None:
    from learnloop.content.response_logs import read_dataset
    from learnloop.engine.metrics import score
    from learnloop.engine.models import make_model

    data = read_dataset(DATASETS, "kt/assistments09")
    train = data.train.take(data.train.learner < np.unique(data.train.learner)[400])
    test = data.test.take(data.test.learner < np.unique(data.test.learner)[150])
    for name, floor in (("bkt", 0.65), ("best-lr", 0.68)):
        model = make_model(name).fit(train)
        assert score(test.correct, model.predict_proba(test)).auc > floor, name


def _bkt_rows(tmp_path: Path, name: str, *extra: str) -> list[dict[str, float]]:
    out = tmp_path / f"{name}.json"
    args = ["evaluate", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv"),
            "--models", "bkt,bkt-forgetting,pfa", "--json", str(out), *extra]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, float]] = json.loads(out.read_text())["results"]
    return [{k: r[k] for k in ("auc", "accuracy", "rmse", "log_loss")} for r in rows]


def test_evaluate_fits_bkt_on_local_processes_and_on_a_dask_cluster_alike(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask (learnloop[dask]) not installed")
    simulated_csv(tmp_path / "train.csv", rng, range(0, 200))
    simulated_csv(tmp_path / "test.csv", rng, range(1000, 1060))
    here = _bkt_rows(tmp_path, "here")
    assert _bkt_rows(tmp_path, "processes", "--workers", "2") == here
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert _bkt_rows(tmp_path, "dask", "--dask", cluster.scheduler_address) == here
        # the fit ran on the cluster's workers, not here
        assert client.run_on_scheduler(_seconds_spent_fitting) > 0


def _seconds_spent_fitting(dask_scheduler: Any) -> float:
    """Compute time the cluster's workers spent in ``fit_skills`` tasks."""
    prefix = dask_scheduler.task_prefixes.get("fit_skills")
    return 0.0 if prefix is None else float(prefix.all_durations.get("compute", 0.0))


def test_evaluate_refuses_two_places_to_fit_and_a_scheduler_that_does_not_answer(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    pytest.importorskip("distributed", reason="Dask (learnloop[dask]) not installed")
    simulated_csv(tmp_path / "train.csv", rng, range(0, 60))
    base = ["evaluate", "--train", str(tmp_path / "train.csv"), "--models", "bkt"]
    both = runner.invoke(app, [*base, "--workers", "2", "--dask", "tcp://127.0.0.1:9"])
    assert both.exit_code == 2
    assert "not both" in both.output
    nobody = runner.invoke(app, [*base, "--dask", "tcp://127.0.0.1:9"])
    assert nobody.exit_code == 2
    assert "no Dask scheduler answered at tcp://127.0.0.1:9" in nobody.output
    assert not list(tmp_path.glob("*.json"))
