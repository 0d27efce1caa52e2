"""The records' tests run against SQLite and PostgreSQL through one parametrized fixture.

PostgreSQL comes from ``ASSESS_TEST_POSTGRES_URL`` (a server where the user may create
databases; ``.ci/run`` starts a throwaway one). Each test gets a fresh database. Without the URL
the PostgreSQL cases skip with the reason, except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assess.records import Database, open_database

POSTGRES_URL_ENV = "ASSESS_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


def _postgres_base() -> str:
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        reason = f"{POSTGRES_URL_ENV} is not set: no PostgreSQL server to test against (.ci/run starts one)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture
def new_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """A factory of fresh, empty database URLs of the test's backend (all dropped afterwards)."""
    backend = request.node.callspec.params["database_url"]
    made: list[str] = []

    def make() -> str:
        if backend == "sqlite":
            return str(tmp_path_factory.mktemp("records") / "records.sqlite3")
        base = make_url(_postgres_base()).set(drivername="postgresql+psycopg")
        name = f"assess_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        made.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    yield make
    if made:
        admin = create_engine(
            make_url(_postgres_base()).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as c:
            for name in made:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, new_database_url: object) -> str:
    """A fresh, empty database of each backend: a SQLite file path or a PostgreSQL URL."""
    return new_database_url()  # type: ignore[operator,no-any-return]


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The records database of each backend, opened (and so migrated)."""
    with open_database(database_url) as records:
        yield records
