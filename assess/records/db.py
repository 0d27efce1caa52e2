"""Open the records database: where it is, how it is locked, and its schema brought up to date.

By default the records are one SQLite file in the user's data folder (``platformdirs``); the
option ``--db`` or the environment variable ``ASSESS_DATABASE_URL`` names another file or a
database URL (``postgresql://user@host/db``). Opening a database migrates it to the newest
schema (Alembic, ``upgrade head``) inside one transaction, so two programs opening it at once,
or a program killed while migrating, leave it whole.

SQLite is opened in WAL mode with a busy timeout: the command line and the app can write at the
same time, the second waits for the first. Every transaction starts with ``BEGIN IMMEDIATE``
(it takes the write lock at once), so no writer ever fails half-way on a lock it could not get.
Deleted data is overwritten (``secure_delete``). The data folder is readable by its owner only
(0700) and the database file, its journal and shared-memory files too (0600).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from assess.errors import InputError

#: Environment variable naming the records database (a file path or a URL).
DATABASE_URL_ENV: Final = "ASSESS_DATABASE_URL"
#: The SQLite file in the data folder.
DATABASE_FILE: Final = "records.sqlite3"
#: How long a writer waits for another one to commit before giving up.
BUSY_TIMEOUT_S: Final = 30.0
#: The newest migration shipped in ``migrations/versions`` (a test holds the two together).
HEAD_REVISION: Final = "0001"
#: PostgreSQL advisory lock taken while migrating, so two programs never migrate at once.
MIGRATION_LOCK_KEY: Final = 0x617373657373
#: Test hook: when set to a file path, a save touches that file inside its transaction and then
#: waits this many seconds, so a test can kill the writer mid-save deterministically.
TEST_HOLD_ENV: Final = "ASSESS_TEST_HOLD_SAVE"
TEST_HOLD_S: Final = 60.0
PRIVATE_DIR_MODE: Final = 0o700
PRIVATE_FILE_MODE: Final = 0o600


def default_data_dir() -> Path:
    """The user's data folder for assess (e.g. ``~/.local/share/assess`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("assess", appauthor=False))


def resolve_url(db: str | None = None, /) -> URL:
    """The database URL from ``db``, else ``ASSESS_DATABASE_URL``, else the default SQLite file.

    A value without ``://`` is a path to a SQLite file; ``postgresql://`` URLs use psycopg 3.
    """
    value = db or os.environ.get(DATABASE_URL_ENV) or str(default_data_dir() / DATABASE_FILE)
    if "://" not in value:
        return URL.create("sqlite", database=str(Path(value).expanduser().absolute()))
    try:
        url = make_url(value)
    except ArgumentError:
        raise InputError(
            f"{value!r} is not a database URL; give a file path or postgresql://USER@HOST/DB"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            f"database {url.get_backend_name()!r} is not supported; use a SQLite file or PostgreSQL"
        )
    return url


def shown(url: URL, /) -> str:
    """The URL as it may be printed (no password)."""
    return url.render_as_string(hide_password=True)


class Database:
    """An open records database: an engine, sessions and transactions.

    Use :func:`open_database`; close it (or use it as a context manager) when done.
    """

    def __init__(self, engine: Engine, /) -> None:
        self.engine = engine
        self.url = engine.url
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """The database is a SQLite file."""
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return Path(self.url.database) if self.is_sqlite and self.url.database else None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        """Close every connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _private_sqlite_file(path: Path, /) -> None:
    """Create the folder (0700) and the file (0600) before SQLite does, owner-only."""
    if not path.parent.exists():
        path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True)
    if path.parent == default_data_dir():
        os.chmod(path.parent, PRIVATE_DIR_MODE)
    if path.is_dir():
        raise InputError(f"--db {path} is a folder; give a database file or URL")
    fd = os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE)
    os.close(fd)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists() and stat.S_IMODE(p.stat().st_mode) != PRIVATE_FILE_MODE:
            os.chmod(p, PRIVATE_FILE_MODE)


def _sqlite_engine(url: URL, /) -> Engine:
    engine = create_engine(
        url, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # The driver's own transaction handling is off; "begin" below starts every transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            f"busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}",
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
            "secure_delete = ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def current_revision(connection: Connection, /) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine, /) -> None:
    """Bring the schema to the newest revision in one transaction (``alembic upgrade head``)."""
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        cfg.attributes["connection"] = connection
        try:
            command.upgrade(cfg, "head")
        except CommandError:
            raise InputError(
                f"the records database {shown(engine.url)} was written by a newer version of assess; "
                "update assess"
            ) from None


def open_database(db: str | None = None, /) -> Database:
    """Open (creating and migrating as needed) the records database named by ``db``.

    ``db`` is a SQLite file path or a database URL; None means ``ASSESS_DATABASE_URL`` or the
    default file in the user's data folder.

    Raises
    ------
    InputError
        When the database cannot be reached or was written by a newer version of assess.
    """
    url = resolve_url(db)
    if url.get_backend_name() == "sqlite":
        if url.database:
            _private_sqlite_file(Path(url.database))
        engine = _sqlite_engine(url)
    else:
        engine = create_engine(url, hide_parameters=True, pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            up_to_date = current_revision(connection) == HEAD_REVISION
        if not up_to_date:
            migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise InputError(f"cannot open the records database {shown(url)}: {reason}") from None
    except BaseException:
        engine.dispose()
        raise
    if url.get_backend_name() == "sqlite" and url.database:
        _private_sqlite_file(Path(url.database))
    return Database(engine)


def hold_if_testing() -> None:
    """Test hook inside a save's transaction (see :data:`TEST_HOLD_ENV`); does nothing unless set."""
    marker = os.environ.get(TEST_HOLD_ENV)
    if marker:
        Path(marker).touch()
        time.sleep(TEST_HOLD_S)
