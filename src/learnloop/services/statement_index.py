"""Filing queued index keys (``xapi_index_queue``) where queries find statements
(``xapi_statement_keys``), many statements at a time.

A statement is acknowledged once its row and its queue row are committed; its keys are filed
later, by the LRS's writer thread once ``INDEX_BATCH_STATEMENTS`` are waiting or it has nothing
else to do, and always before a query reads them (``catch_up``): a query never misses an
acknowledged statement. Filed in a batch, keys that share an index page share its write: a
batch of 20,000 statements costs about 1.7 KB of SQLite's write-ahead log a statement, against
some 16 KB more a statement when each commit of the acknowledgement path filed its own
(``benchmarks/lrs_speed.py``; BENCHMARKS.md). The filing is one INSERT ... SELECT that the
database runs itself (SQLite's json_each, PostgreSQL's json_array_elements): no key goes
through Python twice.

Learnloop's own statements, one an answer (``statement_store.insert_statement``), are queued the
same way; where no LRS client writes, no writer thread runs to file them, so the answer's
transaction files the queue itself once it spans ``APP_FILING_STATEMENTS``. Before that rule the
queue grew with every answer until some xAPI query came, and every answer read all of it to
check its statement's id: 10 ms an answer with 26,000 waiting, and a year of a school's answers
in one filing at the next query.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from learnloop.storage import Database
from learnloop.storage.tables import XapiIndexQueue

__all__ = [
    "APP_FILING_STATEMENTS",
    "INDEX_BATCH_STATEMENTS",
    "catch_up",
    "file_if_long",
    "file_queued_keys",
    "keys_queued",
]

# Statements the writer lets wait before it files their keys while requests keep coming: enough
# that most index pages are written once a batch (1,000 actors and 500 activities fill about
# 2,000 pages of the key index at 100,000 statements), few enough that filing them holds the
# write lock for well under a second (about 0.5 s on the benchmark machine).
INDEX_BATCH_STATEMENTS = 20_000

# The queue an answer files before it writes its own statement: the answer's check of its id
# reads the whole queue (which has no index on ids: one would put each queued statement on a
# randomly placed page again, the cost the queue exists to avoid), so the check reads at most
# this many rows, well under a millisecond; filing them costs about 0.1 s once every 2,000
# answers on the benchmark machine (54 us a statement in batches of 2,000, BENCHMARKS.md).
# Under an LRS load the queue is filed in smaller batches than the writer's while answers come.
APP_FILING_STATEMENTS = 2_000

_SQLITE_FILE = (
    "INSERT OR IGNORE INTO xapi_statement_keys (seq, kind, key) "
    "SELECT q.seq, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') "
    "FROM xapi_index_queue AS q, json_each(q.keys) AS j ORDER BY 2, 3, 1"
)
# The writer checked these ids against the stored ones before it wrote them.
_SQLITE_FILE_IDS = (
    "INSERT OR IGNORE INTO xapi_statement_ids (id, seq) "
    "SELECT id, seq FROM xapi_index_queue ORDER BY id"
)
# The DELETE takes the rows it files: a second process filing at the same time waits for these
# rows and then finds them gone, so no key is filed twice and none is left behind.
_POSTGRES_FILE = (
    "WITH taken AS (DELETE FROM xapi_index_queue RETURNING seq, id, keys), "
    "ids AS (INSERT INTO xapi_statement_ids (id, seq) SELECT id, seq FROM taken "
    "ON CONFLICT DO NOTHING) "
    "INSERT INTO xapi_statement_keys (seq, kind, key) "
    "SELECT taken.seq, e.value ->> 0, e.value ->> 1 "
    "FROM taken, json_array_elements(taken.keys::json) AS e(value) "
    "ORDER BY 2, 3, 1 ON CONFLICT DO NOTHING"
)


def file_queued_keys(s: Session) -> None:
    """File every queued statement's id and keys and empty the queue, in the caller's
    transaction."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text(_POSTGRES_FILE))
    else:  # SQLite: the write transaction holds the only write lock between the two
        s.execute(text(_SQLITE_FILE_IDS))
        s.execute(text(_SQLITE_FILE))
        s.execute(text("DELETE FROM xapi_index_queue"))


def file_if_long(s: Session, at: int = APP_FILING_STATEMENTS) -> bool:
    """File the queue in the caller's transaction if it spans ``at`` statements or more (its
    first and last storage numbers: two lookups in its primary key, never a count); whether it
    did."""
    first, last = s.execute(
        select(func.min(XapiIndexQueue.seq), func.max(XapiIndexQueue.seq))
    ).one()
    if first is None or last - first + 1 < at:
        return False
    file_queued_keys(s)
    return True


def keys_queued(db: Database) -> bool:
    """Whether some statement's keys wait to be filed (a read, not a lock)."""
    with db.reading() as s:
        return s.scalar(select(XapiIndexQueue.seq).limit(1)) is not None


def catch_up(db: Database) -> None:
    """File what is queued, so that a query run after this sees every statement committed
    before it (a read, and no transaction, when nothing is queued)."""
    if keys_queued(db):
        with db.transaction() as s:
            file_queued_keys(s)
