"""Start Ralph (ralph-malph 5.1.0, the peer LRS) with its file-system backend, for lrs_speed.py.

Runs in .bench-ralph-venv. Two things are set up here rather than with Ralph's own CLI (its
`ralph auth` and `ralph runserver` need the `cli` extra, which `[lrs]` does not install):

* the credentials file, one user with every scope, its password hashed with bcrypt as Ralph does;
* the one patch its file-system backend needs: the backend's default write mode is "create",
  which refuses a second write to the same statements file, so every POST after the first
  fails; here the LRS backend appends instead (`default_operation_type = APPEND`).

Usage: ralph_server.py PORT DATA_DIR USERNAME PASSWORD [WORKERS]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> None:
    port, data_dir, username, password = sys.argv[1:5]
    workers = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    root = Path(data_dir)
    root.mkdir(parents=True, exist_ok=True)

    import bcrypt

    auth = root / "auth.json"
    auth.write_text(
        json.dumps(
            [
                {
                    "username": username,
                    "hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode(),
                    "scopes": ["all"],
                    "agent": {"mbox": f"mailto:{username}@example.org"},
                }
            ]
        )
    )
    os.environ.update(
        {
            "RALPH_APP_DIR": str(root),
            "RALPH_AUTH_FILE": str(auth),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(root),
            "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "100",
        }
    )
    import uvicorn

    # Each worker imports this module as "ralph_server" and takes `app` from it (below).
    uvicorn.run(
        "ralph_server:app",
        host="127.0.0.1",
        port=int(port),
        workers=workers,
        log_level="warning",
        app_dir=str(Path(__file__).parent),
    )


def __getattr__(name: str) -> object:
    """`app`: Ralph's ASGI app, with its file-system LRS backend appending (the patch)."""
    if name != "app":
        raise AttributeError(name)
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    from ralph.api import app

    return app


if __name__ == "__main__":
    main()
