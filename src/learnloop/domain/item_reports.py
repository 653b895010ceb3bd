"""A learner's report of a problem with a question: the kinds of problem they can name.

Learners meet a course's questions more often than anyone who wrote or checked them, so a wrong
key, an ambiguous wording or a broken picture is most often seen first by a learner. A report is
one click away under each question; its kind tells whoever looks at it where to look first
("answer-key" reports may mean answers to grade again once the course is fixed).
"""

from __future__ import annotations

__all__ = ["MAX_REPORT_COMMENT", "MAX_REPORT_REPLY", "REPORT_KINDS"]

# In the order the form offers them; the codes are stored and given by the API.
REPORT_KINDS = ("answer-key", "unclear", "typo", "other")
MAX_REPORT_COMMENT = 1_000  # a few sentences: what is wrong and where, not an essay
MAX_REPORT_REPLY = 1_000  # the same for the answer the learner reads
