"""One way to reach any engine: ``connect(engine, snapshot=... | tables=...)``.

An ``EngineConnection`` hands out Ibis tables and runs Ibis expressions on DuckDB, PostgreSQL or
Spark, and always gives results back in the same shape: Arrow tables whose dates are dates (never
timestamps) and whose integers are integers, whichever engine ran the query.

- ``tables`` (tests, benchmarks): the Arrow tables are loaded into the engine: an in-memory DuckDB
  database; a fresh schema in PostgreSQL that ``close()`` drops; temporary views in Spark.
- ``snapshot``: DuckDB opens the snapshot's file read-only; PostgreSQL reads the snapshot's schema;
  Spark reads Parquet copies of the snapshot's tables, written once beside the DuckDB file
  (``<snapshot>/parquet/<table>.parquet``; snapshots are immutable, so the copies never go stale).

Spark runs in local mode, one session per process, started on first use (it takes seconds).
"""

import importlib.util
import itertools
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import psycopg
import pyarrow as pa

from casegrip.engines import postgres as pg
from casegrip.engines import postgres_url as default_postgres_url
from casegrip.engines.duck import quiet_connection
from casegrip.store.live import LiveSnapshot

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ENGINE_NAMES = ("duckdb", "postgres", "spark")
TEMP_SCHEMA_PREFIX = "casegrip_tmp_"
PARQUET_FOLDER = "parquet"


class EngineUnavailable(RuntimeError):
    """The engine cannot be started here; the message says what to install or run."""


def connect(
    engine: str,
    *,
    snapshot: LiveSnapshot | None = None,
    tables: dict[str, pa.Table] | None = None,
    postgres_url: str | None = None,
) -> "EngineConnection":
    """A connection to ``engine`` holding either a snapshot's tables or the given Arrow tables."""
    if (snapshot is None) == (tables is None):
        raise ValueError("Give exactly one of snapshot= or tables=.")
    if engine == "duckdb":
        return DuckDBConnection(snapshot=snapshot, tables=tables)
    if engine == "postgres":
        return PostgresConnection(
            snapshot=snapshot, tables=tables, url=postgres_url or default_postgres_url()
        )
    if engine == "spark":
        return SparkConnection(snapshot=snapshot, tables=tables, postgres_url=postgres_url)
    raise ValueError(f"Unknown engine {engine!r}: choose one of {', '.join(ENGINE_NAMES)}.")


def _normalise(data: pa.Table) -> pa.Table:
    """Widen Arrow types to the few every engine stores alike (int64, float64, string, date32)."""
    fields = []
    for f in data.schema:
        kind = f.type
        if pa.types.is_integer(kind):
            kind = pa.int64()
        elif pa.types.is_floating(kind):
            kind = pa.float64()
        elif pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            kind = pa.string()
        elif pa.types.is_date(kind):
            kind = pa.date32()
        elif pa.types.is_null(kind):
            raise TypeError(
                f"Column {f.name!r} has no type (every value is null): give it one, "
                "e.g. pa.array([None], pa.date32())."
            )
        elif kind not in (pa.string(), pa.bool_()):
            raise TypeError(f"Column {f.name!r}: engines do not share the type {kind}.")
        fields.append(pa.field(f.name, kind))
    return data.cast(pa.schema(fields))


def _conform_result(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """Give ``data`` the Arrow types Ibis promised; dates come back as dates, ints as ints.

    Engines differ in the Arrow types they hand back (Spark: int32 for a year, DuckDB and
    PostgreSQL: whatever their drivers choose), so every result is cast to the expression's own
    schema, which Ibis computed the same way for every engine.
    """
    columns = []
    for name, column in zip(schema.names, data.columns, strict=True):
        target = schema.field(name).type
        if pa.types.is_date(target) and pa.types.is_timestamp(column.type):
            column = column.cast(pa.timestamp("us")).cast(pa.date32())
        columns.append(column.cast(target) if column.type != target else column)
    return pa.Table.from_arrays(columns, schema=schema)


@dataclass(frozen=True, eq=False)
class Compiled:
    """A query compiled once for one engine, to run as often as wanted: the SQL, the Arrow
    schema of its result, and the expression it came from (which keeps any in-memory tables it
    reads registered on the engine)."""

    sql: str
    schema: pa.Schema
    expr: ir.Table


class EngineConnection:
    """Ibis tables on one engine, and their results as Arrow or plain Python rows."""

    name: str = ""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self._closed = False

    # -- what callers use -------------------------------------------------------------------

    def table(self, name: str) -> ir.Table:
        raise NotImplementedError

    def load(self, name: str, data: pa.Table) -> ir.Table:
        """Add (or replace) a table on this connection from Arrow; tests and benchmarks."""
        raise NotImplementedError

    def to_pyarrow(self, expr: ir.Expr) -> pa.Table:
        """Run ``expr`` (a table, a column or a scalar) and return its rows as an Arrow table."""
        return self.run(self.compile(expr))

    def compile(self, expr: ir.Expr) -> Compiled:
        """``expr`` compiled for this engine, to run now or later with ``run``.

        Compiling a large expression costs more than running many queries: a caller that runs
        the same shape of query many times (the same aggregate over a table it refills) compiles
        it once and keeps the result."""
        table = expr.as_table()
        self.backend._run_pre_execute_hooks(table)  # registers any in-memory tables it reads
        return Compiled(str(self.backend.compile(table)), table.schema().to_pyarrow(), table)

    def run(self, query: Compiled) -> pa.Table:
        """Run a compiled query; its rows as an Arrow table of the query's schema."""
        return _conform_result(self._run_sql(query.sql, query.schema), query.schema)

    def to_pylist(self, expr: ir.Expr) -> list[dict]:
        """Run ``expr``; its rows as dicts of Python dates, ints, floats, str, bool and None."""
        return self.to_pyarrow(expr).to_pylist()

    def materialise(self, name: str, expr: ir.Table) -> ir.Table:
        """Run ``expr`` once into a temporary table (replacing one of that name) that later
        queries read instead of recomputing it; it goes when the connection closes."""
        raise NotImplementedError

    def fork(self) -> "EngineConnection | None":
        """A second connection on the same data for another thread, with temporary tables of
        its own (None where the engine has no cheap way to give one); close it when done."""
        return None

    def sql(self, expr: ir.Expr) -> str:
        """The SQL Ibis compiles ``expr`` to for this engine."""
        return str(self.backend.compile(expr, pretty=True))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> "EngineConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<EngineConnection {self.name}>"

    # -- per engine -------------------------------------------------------------------------

    def _run_sql(self, sql: str, schema: pa.Schema) -> pa.Table:
        raise NotImplementedError

    def _close(self) -> None:
        self.backend.disconnect()


class DuckDBConnection(EngineConnection):
    name = "duckdb"

    def __init__(
        self, *, snapshot: LiveSnapshot | None, tables: dict[str, pa.Table] | None
    ) -> None:
        if snapshot is not None:
            if snapshot.engine != "duckdb":
                raise ValueError(
                    f"Snapshot {snapshot.snapshot_id} is kept in {snapshot.engine}, not DuckDB."
                )
            con = quiet_connection(snapshot.location, read_only=True)
        else:
            con = quiet_connection()
        super().__init__(ibis.duckdb.from_connection(con))
        for name, data in (tables or {}).items():
            self.load(name, data)

    def table(self, name: str) -> ir.Table:
        return self.backend.table(name)

    def fork(self) -> "DuckDBConnection":
        # A cursor is a connection to the same database (tables loaded here included) with
        # temporary tables of its own, safe to use from another thread.
        cursor = self.backend.con.cursor()
        cursor.execute("SET enable_progress_bar = false")
        twin = object.__new__(DuckDBConnection)
        EngineConnection.__init__(twin, ibis.duckdb.from_connection(cursor))
        return twin

    def load(self, name: str, data: pa.Table) -> ir.Table:
        return self.backend.create_table(name, _normalise(data), overwrite=True)

    def _run_sql(self, sql: str, schema: pa.Schema) -> pa.Table:
        # The SQL straight to Arrow: Ibis's own route builds a DuckDB relation first, which
        # cost more than most of our queries take to run.
        return self.backend.con.execute(sql).to_arrow_table()

    def materialise(self, name: str, expr: ir.Table) -> ir.Table:
        # Temporary tables live in memory even on a read-only snapshot file. Plain SQL: Ibis's
        # create_table(overwrite=True) builds under another name and renames, twice the work.
        self.backend._run_pre_execute_hooks(expr)
        sql = self.backend.compile(expr)
        self.backend.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {sql}')
        return self.backend.table(name)


class PostgresConnection(EngineConnection):
    name = "postgres"

    def __init__(
        self, *, snapshot: LiveSnapshot | None, tables: dict[str, pa.Table] | None, url: str
    ) -> None:
        conn = psycopg.connect(url, connect_timeout=10, autocommit=True)
        super().__init__(ibis.postgres.from_connection(conn))
        self._conn = conn
        self._temporary = snapshot is None
        if snapshot is not None:
            if snapshot.engine != "postgres":
                raise ValueError(
                    f"Snapshot {snapshot.snapshot_id} is kept in {snapshot.engine}, not PostgreSQL."
                )
            self.schema = snapshot.location
        else:
            self.schema = f"{TEMP_SCHEMA_PREFIX}{uuid.uuid4().hex[:16]}"
            pg.create_schema(conn, self.schema)
            for name, data in (tables or {}).items():
                self.load(name, data)

    def table(self, name: str) -> ir.Table:
        return self.backend.table(name, database=self.schema)

    def load(self, name: str, data: pa.Table) -> ir.Table:
        if not self._temporary:
            raise ValueError("A snapshot's schema is read-only: connect with tables= to load.")
        self._conn.execute(f"DROP TABLE IF EXISTS {pg.quote(self.schema)}.{pg.quote(name)}")
        pg.copy_table(self._conn, self.schema, name, _normalise(data))
        # Statistics now, not when autovacuum gets round to it: without them the planner
        # guesses, and joined the 15,000-day calendar by nested loops, ten times slower.
        self._conn.execute(f"ANALYZE {pg.quote(self.schema)}.{pg.quote(name)}")
        return self.table(name)

    def _run_sql(self, sql: str, schema: pa.Schema) -> pa.Table:
        # As Ibis's own route does: rows as tuples into Arrow structs of the promised types.
        with self._conn.cursor() as cursor:
            rows = cursor.execute(sql).fetchall()
        if not rows:
            return schema.empty_table()
        struct = pa.struct(list(schema))
        return pa.Table.from_batches([pa.RecordBatch.from_struct_array(pa.array(rows, struct))])

    def materialise(self, name: str, expr: ir.Table) -> ir.Table:
        quoted = pg.quote(name)
        self.backend._run_pre_execute_hooks(expr)  # creates the windows' in-memory tables
        self._conn.execute(f"DROP TABLE IF EXISTS pg_temp.{quoted}")
        self._conn.execute(f"CREATE TEMP TABLE {quoted} AS {self.backend.compile(expr)}")
        self._conn.execute(f"ANALYZE pg_temp.{quoted}")
        # pg_temp is an alias Ibis cannot look tables up in: ask for the schema's real name.
        (temp_schema,) = self._conn.execute(
            "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()"
        ).fetchone()
        return self.backend.table(name, database=temp_schema)

    def _close(self) -> None:
        try:
            if self._temporary:
                pg.drop_schema(self._conn, self.schema)
        finally:
            self._conn.close()


# -- Spark ---------------------------------------------------------------------------------

_spark_lock = threading.Lock()
_spark_session: "SparkSession | None" = None
_view_numbers = itertools.count(1)

LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
# PySpark counts as a shell: when the shell's logger and the root differ, Spark prints a banner.
logger.repl.name = org.apache.spark.api.python.PythonGatewayServer
logger.repl.level = error
"""


def spark_session() -> "SparkSession":
    """The process's Spark session (local mode, two cores, no UI), started on first use."""
    global _spark_session
    with _spark_lock:
        if _spark_session is None:
            _spark_session = _start_spark()
        return _spark_session


def stop_spark() -> None:
    """Stop the process's Spark session and its JVM, if started (a new one starts on next use).

    Call it when done with Spark (the test session's teardown does): left to the interpreter's
    exit, py4j closes its connections after logging has been torn down, and complains.
    """
    global _spark_session
    with _spark_lock:
        if _spark_session is None:
            return
        from pyspark import SparkContext

        _spark_session.stop()
        _spark_session = None
        gateway = SparkContext._gateway
        if gateway is not None:
            gateway.shutdown()
            SparkContext._gateway = None
            SparkContext._jvm = None
            process = getattr(gateway, "proc", None)  # the JVM, when PySpark launched it
            if process is not None:
                process.stdin.close()  # the JVM exits when its stdin closes
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _start_spark() -> "SparkSession":
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise EngineUnavailable(
            "The Spark engine needs a Java 17 runtime and none was found: run scripts/ensure-java."
        )
    if importlib.util.find_spec("pyspark") is None:
        raise EngineUnavailable(
            "The Spark engine needs pyspark: install casegrip with the 'spark' extra."
        )
    handle, logging_config = tempfile.mkstemp(prefix="casegrip-log4j2-", suffix=".properties")
    with os.fdopen(handle, "w") as config:
        config.write(LOG4J2)
    try:
        session = _build_session(logging_config)
    finally:
        os.unlink(logging_config)  # read once, when the JVM starts
    session.sparkContext.setLogLevel("ERROR")
    # py4j logs every connection it opens and closes at INFO, into the application's log.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    return session


def _build_session(logging_config: str) -> "SparkSession":
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("casegrip")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={logging_config}")
        .getOrCreate()
    )


class SparkConnection(EngineConnection):
    name = "spark"

    def __init__(
        self,
        *,
        snapshot: LiveSnapshot | None,
        tables: dict[str, pa.Table] | None,
        postgres_url: str | None,
    ) -> None:
        self.session = spark_session()
        super().__init__(ibis.pyspark.connect(self.session))
        # Temporary views are per session, and the session is shared: each connection's views
        # get a prefix of their own so that two connections never see each other's tables.
        self._prefix = f"casegrip_{next(_view_numbers)}_"
        self._views: dict[str, str] = {}
        self._snapshot = snapshot
        self._postgres_url = postgres_url
        if snapshot is not None and snapshot.engine == "duckdb":
            self._parquet = export_parquet(snapshot)
        for name, data in (tables or {}).items():
            self.load(name, data)

    def table(self, name: str) -> ir.Table:
        if name not in self._views and self._snapshot is not None:
            self._view_snapshot_table(name)
        if name not in self._views:
            raise KeyError(f"No table {name!r} on this Spark connection.")
        return self.backend.table(self._views[name])

    def load(self, name: str, data: pa.Table) -> ir.Table:
        data = _normalise(data)
        frame = self.session.createDataFrame(data)
        return self._register(name, frame)

    def materialise(self, name: str, expr: ir.Table) -> ir.Table:
        self.backend._run_pre_execute_hooks(expr)
        frame = self.session.sql(self.backend.compile(expr)).localCheckpoint()
        return self._register(name, frame)

    def _register(self, name: str, frame: Any) -> ir.Table:
        view = self._views.get(name) or f"{self._prefix}{name}"
        frame.createOrReplaceTempView(view)
        self._views[name] = view
        return self.backend.table(view)

    def _view_snapshot_table(self, name: str) -> None:
        if self._snapshot.engine == "duckdb":
            path = self._parquet / f"{name}.parquet"
            if not path.exists():
                raise KeyError(f"Snapshot {self._snapshot.snapshot_id} has no table {name!r}.")
            self._register(name, self.session.read.parquet(str(path)))
        else:
            with PostgresConnection(
                snapshot=self._snapshot,
                tables=None,
                url=self._postgres_url or default_postgres_url(),
            ) as source:
                self.load(name, source.to_pyarrow(source.table(name)))

    def _run_sql(self, sql: str, schema: pa.Schema) -> pa.Table:
        # Straight to Arrow, not through pandas as Ibis's own to_pyarrow goes: pandas holds an
        # integer column with nulls as floats, so 2**53 + 1 came back as 2**53.
        frame = self.session.sql(sql)
        with warnings.catch_warnings():
            # PySpark 4.0 leaves the socket it collects Arrow batches through to the garbage
            # collector, which warns; the socket is closed all the same.
            warnings.filterwarnings(
                "ignore", message=r"unclosed <socket\.socket", category=ResourceWarning
            )
            return frame.toArrow()

    def _close(self) -> None:
        if _spark_session is self.session:  # else stop_spark() has ended it, views and all
            for view in self._views.values():
                self.session.catalog.dropTempView(view)
        self._views.clear()


def export_parquet(snapshot: LiveSnapshot) -> Path:
    """Parquet copies of a DuckDB snapshot's tables, for Spark; written once, atomically."""
    database = Path(snapshot.location)
    folder = database.parent / PARQUET_FOLDER
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(exist_ok=True)
    con = quiet_connection(str(database), read_only=True)
    try:
        names = [row[0] for row in con.execute("SHOW TABLES").fetchall()]
        for name in names:
            target = folder / f"{name}.parquet"
            aside = folder / f".{name}.{uuid.uuid4().hex}.parquet"
            path = str(aside).replace("'", "''")
            con.execute(f"COPY {pg.quote(name)} TO '{path}' (FORMAT parquet)")
            os.replace(aside, target)
    finally:
        con.close()
    done.write_text("")
    return folder
