"""The adaptive engine: learner models, the skill graph, recommendation, simulation.

Pure numpy and Python: no I/O, no clock (time is an argument), no global random state (callers
pass a ``numpy.random.Generator``), and no learnloop imports outside the engine but the error tree.
"""

from learnloop.engine.bkt import BayesianKnowledgeTracing, BKTParams
from learnloop.engine.mastery import MasteryCriterion
from learnloop.engine.recommendation import (
    ActivityOption,
    LearnerSnapshot,
    Reason,
    Recommendation,
    recommend,
)
from learnloop.engine.response_log import ResponseLog
from learnloop.engine.skill_graph import SkillGraph, find_cycle

__all__ = [
    "ActivityOption",
    "BKTParams",
    "BayesianKnowledgeTracing",
    "LearnerSnapshot",
    "MasteryCriterion",
    "Reason",
    "Recommendation",
    "ResponseLog",
    "SkillGraph",
    "find_cycle",
    "recommend",
]
