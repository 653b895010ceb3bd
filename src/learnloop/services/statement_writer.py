"""Group commit for the LRS: statements that arrive together are written in one transaction.

Each request's batch is validated before it is queued (``lrs.prepare_statements``); one writer
thread then takes every batch waiting, up to ``MAX_GROUP_STATEMENTS``, and writes them in one
transaction (``lrs.write_group``: a handful of queries for the whole group). A batch that
conflicts (409) is left out whole and fails alone; the others commit. A request is answered only after the commit
returned, so nothing acknowledged can be lost; a crash before the commit loses only unanswered
requests. One commit (one fsync on SQLite) then serves many requests, where one transaction per
request capped single-statement POSTs at about 200 a second.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from learnloop.exceptions import LearnloopError
from learnloop.services.lrs import PreparedBatch, stored_instant, write_group
from learnloop.services.statement_index import INDEX_BATCH_STATEMENTS, catch_up
from learnloop.storage import Database

__all__ = ["MAX_GROUP_STATEMENTS", "StatementWriter"]

# Statements written in one transaction at most: enough that a busy LRS commits rarely, few
# enough that one transaction holds SQLite's write lock for tens of milliseconds, not seconds.
MAX_GROUP_STATEMENTS = 2_000
# The writer thread ends after this long with nothing to write (it starts again on demand), so
# that an idle app, or one of the many a test suite makes, keeps no thread.
IDLE_SECONDS = 5.0
# With statements written and their keys not filed, the writer files them after this long with
# no request waiting (``statement_index``): a pause in the load, not a gap between two requests.
INDEX_IDLE_SECONDS = 0.05
# ... and once the oldest of them has waited this long, whatever the load: under a trickle of
# single statements the writer has time to spare, and a query arriving after the load would
# otherwise wait for a whole batch to be filed (20,000 statements took about a second, which
# put the benchmark's filtered GETs over 20 ms at the 95th percentile).
INDEX_MAX_WAIT_SECONDS = 2.0

_log = logging.getLogger(__name__)


@dataclass
class _Job:
    batch: PreparedBatch
    done: Future[list[str]] = field(default_factory=Future)


class StatementWriter:
    """One per process: ``submit`` a prepared batch, wait on the future for its ids."""

    def __init__(self, db: Database, *, base_url: str) -> None:
        self._db = db
        self._base_url = base_url
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._unfiled = 0  # statements written by this thread whose keys may not be filed yet
        self._unfiled_since = 0.0  # when the first of them was written (monotonic)
        # Only SQLite queues keys to file later (``statement_store``); PostgreSQL files them
        # with the statement, and the writer then has nothing to do after its last write.
        self._files_keys = db.dialect == "sqlite"

    def submit(self, batch: PreparedBatch) -> Future[list[str]]:
        job = _Job(batch)
        with self._lock:
            self._jobs.put(job)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="lrs-statement-writer", daemon=True
                )
                self._thread.start()
        return job.done

    def _run(self) -> None:
        while True:
            try:
                first = self._jobs.get(
                    timeout=INDEX_IDLE_SECONDS if self._unfiled else IDLE_SECONDS
                )
            except queue.Empty:
                if self._unfiled:
                    self._file_keys()
                    continue
                with self._lock:
                    if self._jobs.empty():
                        self._thread = None
                        return
                continue
            group = [first]
            size = len(first.batch.statements)
            while size < MAX_GROUP_STATEMENTS:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                group.append(job)
                size += len(job.batch.statements)
            self._write(group)
            waited = time.monotonic() - self._unfiled_since
            if self._unfiled >= INDEX_BATCH_STATEMENTS or (
                self._unfiled and waited >= INDEX_MAX_WAIT_SECONDS
            ):
                self._file_keys()

    def _file_keys(self) -> None:
        self._unfiled = 0
        try:
            catch_up(self._db)
        except Exception:  # the keys stay queued: the next filing, or the next query, takes them
            _log.exception("filing the index keys of stored statements failed")

    def _write(self, group: list[_Job]) -> None:
        try:
            results = self._transaction(group)
        except Exception as exc:  # the transaction failed: no batch of the group is stored
            for job in group:
                job.done.set_exception(exc)
            return
        for job, result in zip(group, results, strict=True):
            if self._files_keys and not isinstance(result, LearnloopError):
                if not self._unfiled:
                    self._unfiled_since = time.monotonic()
                self._unfiled += len(result)
            if isinstance(result, LearnloopError):
                job.done.set_exception(result)
            else:
                job.done.set_result(result)

    def _transaction(self, group: list[_Job]) -> list[list[str] | LearnloopError]:
        batches = [job.batch for job in group]
        try:
            with self._db.transaction() as s:
                return write_group(s, batches, base_url=self._base_url, now=stored_instant())
        except IntegrityError:
            # Another process stored one of these ids between our check and our insert
            # (PostgreSQL with several workers): a second attempt sees it and compares.
            with self._db.transaction() as s:
                return write_group(s, batches, base_url=self._base_url, now=stored_instant())
