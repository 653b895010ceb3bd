"""Fitted learner models and learner states as JSON (never pickle: a stored model is data that
anyone can read, diff and check, and loading it runs no code).

``model_to_json`` / ``model_from_json`` cover the models the platform can run online: BKT and the
logistic family (``pfa``, ``best-lr``, ``best-lr+recency``, ``best-lr+patterns``).
``bkt_from_parameters`` builds a BKT model from an author's parameters, without data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from learnloop.engine.bkt import BayesianKnowledgeTracing, BKTParams
from learnloop.engine.logistic_kt import FEATURE_SETS, LearnerHistory, LogisticKnowledgeTracing
from learnloop.engine.response_log import QMatrix

__all__ = [
    "ONLINE_KINDS",
    "bkt_from_parameters",
    "model_from_json",
    "model_to_json",
    "state_from_counts",
]

# The kinds a course can choose (course.yaml, model.kind): BKT and every logistic feature set, each
# run online from what the platform keeps per objective (P(known) or counts, and the last
# outcomes) and the learner's last answers.
ONLINE_KINDS = ("bkt", *FEATURE_SETS)

_BKT_ARRAYS = ("skills_", "prior_", "learn_", "guess_", "slip_", "forget_")


def bkt_from_parameters(parameters: Sequence[BKTParams]) -> BayesianKnowledgeTracing:
    """A BKT model whose skill ``i`` has ``parameters[i]`` (as if fitted)."""
    model = BayesianKnowledgeTracing()
    model.skills_ = np.arange(len(parameters), dtype=np.int64)
    for name in ("prior", "learn", "guess", "slip", "forget"):
        setattr(model, f"{name}_", np.array([getattr(p, name) for p in parameters]))
    return model


def model_to_json(model: object) -> dict[str, Any]:
    if isinstance(model, BayesianKnowledgeTracing):
        return {
            "kind": "bkt",
            "forgetting": model.forgetting,
            **{name: np.asarray(getattr(model, name)).tolist() for name in _BKT_ARRAYS},
        }
    if isinstance(model, LogisticKnowledgeTracing):
        q = model.q_matrix_
        return {
            "kind": model.features,
            "alpha": model.alpha,
            "items_": model.items_.tolist(),
            "n_kcs_": model.n_kcs_,
            "layout_": {k: list(v) for k, v in model.layout_.items()},
            "coef_": np.asarray(model.coef_).tolist(),
            "q_matrix_": None
            if q is None
            else {"indptr": q.indptr.tolist(), "indices": q.indices.tolist(), "n_kcs": q.n_kcs},
        }
    raise ValueError(f"cannot store a {type(model).__name__}")


def model_from_json(data: Mapping[str, Any]) -> BayesianKnowledgeTracing | LogisticKnowledgeTracing:
    kind = data.get("kind")
    if kind == "bkt":
        bkt = BayesianKnowledgeTracing(forgetting=bool(data["forgetting"]))
        bkt.skills_ = np.array(data["skills_"], dtype=np.int64)
        for name in _BKT_ARRAYS[1:]:
            setattr(bkt, name, np.array(data[name], dtype=np.float64))
        return bkt
    if kind in FEATURE_SETS:
        lkt = LogisticKnowledgeTracing(features=str(kind), alpha=float(data["alpha"]))
        lkt.items_ = np.array(data["items_"], dtype=np.int64)
        lkt.n_kcs_ = int(data["n_kcs_"])
        lkt.layout_ = {k: (int(v[0]), int(v[1])) for k, v in data["layout_"].items()}
        q = data.get("q_matrix_")
        lkt.q_matrix_ = (
            None
            if q is None
            else QMatrix(
                np.array(q["indptr"], dtype=np.int64),
                np.array(q["indices"], dtype=np.int64),
                int(q["n_kcs"]),
            )
        )
        lkt.coef_ = np.array(data["coef_"], dtype=np.float64)
        lkt._w = lkt.coef_.tolist()
        lkt._item_column = {int(item): i for i, item in enumerate(lkt.items_)}
        return lkt
    raise ValueError(f"unknown stored model kind {kind!r}")


def state_from_counts(
    model: BayesianKnowledgeTracing | LogisticKnowledgeTracing,
    counts: Mapping[int, tuple[float, int, int]],
    recent: Mapping[int, Sequence[int]] | None = None,
    overall: Sequence[int] = (),
) -> dict[int, float] | LearnerHistory:
    """A learner's state from what the platform keeps per skill: (P(known), answers, right),
    and, for the models with recency, the last outcomes per skill and overall (+1 right, −1
    wrong, the last one first).

    BKT's state is P(known) itself; the count models' state is the counts (their totals over
    skills for best-lr's learner-level features) and the last outcomes."""
    if isinstance(model, BayesianKnowledgeTracing):
        return {skill: p for skill, (p, _, _) in counts.items()}
    history = model.initial_state()
    kept = len(history.lags)

    def padded(outcomes: Sequence[int]) -> list[int]:
        return [*list(outcomes)[:kept], *[0] * max(0, kept - len(outcomes))]

    for skill, (_, answers, right) in counts.items():
        if answers:
            history.kc[skill] = [right, answers - right, *padded((recent or {}).get(skill, ()))]
            history.wins += right
            history.fails += answers - right
    history.lags = padded(overall)
    return history
