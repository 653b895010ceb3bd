"""Copy every statement of one LRS to another with Ralph (ralph-malph 5.1.0's LRS data backend:
it reads with GET and the `more` links, and writes with POSTs of a chunk each), for
xapi_forwarding.py. Runs in .bench-ralph-venv.

Usage: ralph_copy.py SOURCE_URL SOURCE_KEY SOURCE_SECRET TARGET_URL TARGET_KEY TARGET_SECRET CHUNK
Prints {"copied": N, "seconds": S} (the copy alone, not the interpreter's start).
"""

from __future__ import annotations

import json
import sys
import time

from ralph.backends.data.lrs import LRSDataBackend, LRSDataBackendSettings
from ralph.backends.lrs.base import LRSStatementsQuery


def backend(url: str, key: str, secret: str) -> LRSDataBackend:
    return LRSDataBackend(LRSDataBackendSettings(
        BASE_URL=url, USERNAME=key, PASSWORD=secret, STATEMENTS_ENDPOINT="/xapi/statements",
        STATUS_ENDPOINT="/xapi/about",
    ))  # fmt: skip


def main() -> None:
    src_url, src_key, src_secret, dst_url, dst_key, dst_secret, chunk = sys.argv[1:8]
    source, target = backend(src_url, src_key, src_secret), backend(dst_url, dst_key, dst_secret)
    started = time.perf_counter()
    # oldest first, as learnloop sends them: a voiding statement never arrives before its target
    query = LRSStatementsQuery(ascending=True)
    copied = target.write(source.read(query=query, chunk_size=int(chunk)), chunk_size=int(chunk))
    seconds = time.perf_counter() - started
    print(json.dumps({"copied": copied, "seconds": seconds}))


if __name__ == "__main__":
    main()
