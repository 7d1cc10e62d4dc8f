"""Real SPARQL servers for the tests: Oxigraph (from the `oxigraph` package) and Virtuoso (from Debian).

Each fixture starts its server on a free loopback port for the whole session, or skips
with the reason when the server is not installed (.ci/install-servers.sh installs Virtuoso).
`answering` is a server that answers every request with one HTTP error, for the messages people see.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

OWN_GRAPHS = "https://w3id.org/conflictkg/"

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def binary(*names: str) -> str | None:
    """The first of these programs found next to this Python or on the PATH."""
    for name in names:
        found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
        if found:
            return found
    return None


def wait_until_up(url: str, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urlopen(url, timeout=2).close()
            return
        except (URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the {what} server did not start")
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def clear(store) -> None:
    """Drop every graph of this project, leaving a server's own graphs alone."""
    rows = store.select(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                        f'FILTER(STRSTARTS(STR(?g), "{OWN_GRAPHS}")) }}')
    if len(rows):
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{row['g']}>" for row in rows))


def launch_oxigraph(folder: Path, port: int) -> subprocess.Popen:
    """Start a real Oxigraph server on a loopback port, without --union-default-graph (the store asks for
    it per query); it answers shortly after."""
    program = binary("oxigraph")
    if program is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return subprocess.Popen([program, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextmanager
def answering(status: int, body: bytes = b"read only\nsecond line") -> Iterator[tuple[str, list]]:
    """A server on a loopback port that answers every request with this HTTP status and body.

    Yields its URL and the list of the Authorization headers of the requests it was sent.
    """
    seen = []

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Authorization"))
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server for the whole session."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = launch_oxigraph(tmp_path_factory.mktemp("oxigraph"), port)
    try:
        wait_until_up(f"{url}/query?query=ASK%7B%7D", process, "oxigraph", 20)
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A real Virtuoso Open Source server with a fresh database; its SPARQL endpoint may update."""
    program, isql = binary("virtuoso-t"), binary("isql-vt", "isql")
    if program is None or isql is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin, "
                    "as .ci/install-servers.sh does)")
    folder = tmp_path_factory.mktemp("virtuoso")
    isql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, isql_port=isql_port, http_port=http_port))
    process = subprocess.Popen([program, "-f", "-c", str(ini)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        wait_until_up(f"{url}?query=ASK%7B%7D", process, "Virtuoso")
        # the anonymous SPARQL user may only read until granted updates (a test database, default dba password)
        subprocess.run([isql, str(isql_port), "dba", "dba", 'EXEC=GRANT SPARQL_UPDATE TO "SPARQL"'],
                       check=True, capture_output=True, timeout=30)
        yield url
    finally:
        stop(process)
