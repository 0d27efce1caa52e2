"""A separate writer process for the concurrency and kill tests.

``python -m tests.records.writer DB PATIENT N FIRST_DATE [--items K] [--ready FILE --go FILE]``
saves N visits (dates FIRST_DATE, +1 day, ...) of K forward-bend clips each and prints their
visit ids as JSON. With ``--ready``/``--go`` it touches FILE when set up and waits for the go
file, so two writers start saving at the same moment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

from assess.records import open_database, save_session
from tests.records.sessions import session

WAIT_S = 0.01
MAX_WAIT_S = 120.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("patient")
    parser.add_argument("n", type=int)
    parser.add_argument("first_date", type=dt.date.fromisoformat)
    parser.add_argument("--items", type=int, default=1)
    parser.add_argument("--ready", type=Path)
    parser.add_argument("--go", type=Path)
    args = parser.parse_args()
    sessions = [
        session(
            args.patient, args.first_date + dt.timedelta(days=i), tuple(40.0 + j for j in range(args.items))
        )
        for i in range(args.n)
    ]
    with open_database(args.db) as db:
        if args.ready is not None and args.go is not None:
            args.ready.touch()
            deadline = time.monotonic() + MAX_WAIT_S
            while not args.go.exists() and time.monotonic() < deadline:
                time.sleep(WAIT_S)
        ids = [save_session(db, s) for s in sessions]
    print(json.dumps(ids))


if __name__ == "__main__":
    main()
