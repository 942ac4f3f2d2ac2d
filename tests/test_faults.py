"""Faults: a worker killed under load, the data folder changing under a running app, exports to a
full or read-only location. Each test provokes the fault for real (a SIGKILL, files deleted or
garbled, a write that fails half-way) and checks what a user would see.

The HTTP helpers here (free port, a server process that is always cleaned up, Dash callbacks
posted from the server's own /_dash-dependencies) are shared with tests/test_journey.py.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
START_DEADLINE = 90.0  # seconds a server may take to answer its first request (a busy CI machine)


# -- HTTP helpers -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(url: str, payload: Any = None, timeout: float = 60.0) -> tuple[int, bytes]:
    """GET (or POST ``payload`` as JSON): (status, body). HTTP errors are returned, not raised;
    a connection that breaks raises (URLError, ConnectionError, …)."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return int(resp.status), resp.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def wait_until_up(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if request(base + "/", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"server did not answer within {START_DEADLINE:.0f} s:\n"
                         f"{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def server_process(args: list[str], log: Path,
                   env: Mapping[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``args`` in its own process group; on exit, stop that group (TERM, then KILL)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, **(env or {})})
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # workers left behind by a killed master
            os.killpg(proc.pid, signal.SIGKILL)


def children(pid: int) -> set[int]:
    """Process ids whose parent is ``pid`` (from /proc: Linux, as CI)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if fields[0] != "Z" and int(fields[1]) == pid:  # fields: state, ppid, …
            found.add(int(stat.parent.name))
    return found


def sockets(pid: int) -> int:
    """How many sockets the process holds open (0 if it is gone)."""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return 0
    count = 0
    for fd in fds:
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


# -- Dash callbacks over HTTP, built from the server's own dependency list ----------------------
def callbacks(base: str) -> list[dict[str, Any]]:
    status, body = request(base + "/_dash-dependencies")
    assert status == 200, body[:300]
    return list(json.loads(body))


def find_callback(specs: list[dict[str, Any]], output: str, trigger: str | None = None) -> dict[str, Any]:
    """The callback whose outputs include ``output`` (``"summary-line.children"``) and, if given,
    whose inputs include ``trigger``."""
    for spec in specs:
        outputs = {o.split("@")[0] for o in spec["output"].strip(".").split("...")}
        inputs = {f"{i['id']}.{i['property']}" for i in spec["inputs"]}
        if output in outputs and (trigger is None or trigger in inputs):
            return spec
    raise AssertionError(f"no callback with output {output} and input {trigger}")


def callback_payload(spec: dict[str, Any], values: Mapping[str, Any], changed: str) -> dict[str, Any]:
    """The JSON the Dash renderer posts: every input and state with its value (None when not given)."""
    def entries(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                for i in items]

    key = spec["output"]
    outputs: Any = [{"id": o.split(".")[0], "property": o.split(".", 1)[1]} for o in key.strip(".").split("...")]
    if not key.startswith(".."):  # a single output is sent as an object
        outputs = outputs[0]
    return {"output": key, "outputs": outputs, "inputs": entries(spec["inputs"]),
            "state": entries(spec["state"]), "changedPropIds": [changed]}


def post_callback(base: str, spec: dict[str, Any], values: Mapping[str, Any], changed: str) -> dict[str, Any]:
    """Post a callback as the renderer does; a background job (decks, downloads) is polled until its
    result arrives (bounded)."""
    payload = callback_payload(spec, values, changed)
    status, body = request(base + "/_dash-update-component", payload)
    assert status == 200, (status, body[:500])
    answer = json.loads(body)
    if "cacheKey" in answer and "job" in answer:
        from urllib.parse import urlencode

        query = urlencode({"cacheKey": answer["cacheKey"], "job": answer["job"]})
        deadline = time.monotonic() + 180
        while "response" not in answer and time.monotonic() < deadline:
            time.sleep(0.25)
            status, body = request(f"{base}/_dash-update-component?{query}", payload)
            assert status in (200, 204), (status, body[:500])
            answer = json.loads(body) if body else {}
    return dict(answer["response"])


def summary_count(response: dict[str, Any]) -> int:
    """The event count at the start of the summary line ("37 events · …")."""
    text = str(response["summary-line"]["children"])
    return int(text.split()[0].replace(",", ""))


Poster = Callable[[dict[str, Any], Mapping[str, Any], str], dict[str, Any]]


def open_link(post: Poster, specs: list[dict[str, Any]], search: str) -> dict[str, Any]:
    """What the browser gets for a URL's query string: the stores and the views (summary line …)."""
    return change_control(post, specs, {"url-location.search": search}, "url-location.search")


def change_control(post: Poster, specs: list[dict[str, Any]], values: Mapping[str, Any],
                   changed: str) -> dict[str, Any]:
    """What the browser gets when the URL or a filter control (``changed``) takes a value: the
    stores and the views. The views come with that callback or from a second one fed by the
    stores, whichever way the app is wired."""
    response = post(find_callback(specs, "filter-store.data", changed), values, changed)
    if "summary-line" not in response:
        views = find_callback(specs, "summary-line.children", "filter-store.data")
        stores = {f"{store}.data": response[store]["data"] if store in response else values.get(f"{store}.data")
                  for store in ("filter-store", "view-store")}  # a store not sent back is unchanged
        response |= post(views, stores, "filter-store.data")
    return response


# -- a worker killed under load -----------------------------------------------------------------
def test_killed_gunicorn_worker_is_replaced_and_service_keeps_answering(tmp_path: Path) -> None:
    """The production command (README), two sync workers. Two clients keep loading the page and
    posting a real callback; one worker gets SIGKILL mid-load. The master must fork a replacement,
    and every request must succeed except at most the one the killed worker was serving (a sync
    worker serves one request at a time; connections waiting in the shared listen queue are not
    tied to a worker, so they are answered by the survivor)."""
    import threading

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    args = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--graceful-timeout", "3",
            "app.wsgi:create_server()"]
    with server_process(args, log, {"GEOTIMELINE_DATA_DIR": str(DATA), "GEOTIMELINE_TODAY": "2026-11-23"}) as master:
        wait_until_up(base, master, log)
        deadline = time.monotonic() + START_DEADLINE
        while len(children(master.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = children(master.pid)
        assert len(workers) == 2, (workers, log.read_text())
        specs, post = callbacks(base), partial(post_callback, base)
        expected = summary_count(open_link(post, specs, "?cat=transfer"))

        results: list[tuple[float, float, str, str]] = []  # (start, end, what, "ok" or the error)
        stop = threading.Event()

        def client(what: str) -> None:
            while not stop.is_set():
                start = time.monotonic()
                try:
                    if what == "page":
                        status, body = request(base + "/", timeout=60)
                        outcome = "ok" if status == 200 and b"_dash-config" in body else f"HTTP {status}"
                    else:
                        count = summary_count(open_link(post, specs, "?cat=transfer"))
                        outcome = "ok" if count == expected else f"{count} events, not {expected}"
                except Exception as exc:  # any failure is recorded, and counted below
                    outcome = f"{type(exc).__name__}: {exc}"
                results.append((start, time.monotonic(), what, outcome))

        threads = [threading.Thread(target=client, args=(w,), daemon=True) for w in ("page", "callback")]
        for t in threads:
            t.start()
        try:
            while sum(1 for r in results if r[3] == "ok") < 4:  # the load is on
                assert time.monotonic() < deadline, results[-5:]
                time.sleep(0.05)
            # kill a worker while it serves a request (it holds a client socket besides the listener)
            aim = time.monotonic() + 5
            victim = next((p for p in sorted(workers) if sockets(p) >= 2), None)
            while victim is None and time.monotonic() < aim:
                victim = next((p for p in sorted(workers) if sockets(p) >= 2), None)
            victim = victim or min(workers)
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            replaced_at = None
            while time.monotonic() < killed_at + START_DEADLINE:
                now = children(master.pid)
                if victim not in now and len(now) == 2:
                    replaced_at = time.monotonic()
                    break
                time.sleep(0.05)
            assert replaced_at is not None, f"no replacement worker:\n{log.read_text()}"
            # keep loading until both kinds of request have succeeded again after the kill
            while not {"page", "callback"} <= {r[2] for r in results if r[0] > replaced_at and r[3] == "ok"}:
                assert time.monotonic() < replaced_at + START_DEADLINE, results[-5:]
                time.sleep(0.05)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=70)

        replacement = children(master.pid) - workers
        assert len(replacement) == 1 and victim not in children(master.pid)
        failed = [r for r in results if r[3] != "ok"]
        assert len(failed) <= 1, failed
        assert all(start <= killed_at <= end for start, end, _, _ in failed), (killed_at, failed)
        assert sum(1 for r in results if r[0] > killed_at and r[3] == "ok") >= 2
        assert f"Worker (pid:{victim}) was sent SIGKILL" in log.read_text()


# -- the data folder changing under a running app -----------------------------------------------
def _deny_reads_under(folder: Path, monkeypatch: Any) -> None:
    """Make every open of a file under ``folder`` fail with EACCES, as chmod 000 does for a
    non-root user (root ignores file modes, so chmod alone proves nothing when tests run as root)."""
    import builtins
    import errno
    import io

    real_open, real_os_open = builtins.open, os.open
    root = str(folder.resolve())

    def inside(file: Any) -> bool:
        return isinstance(file, str | os.PathLike) and os.path.abspath(os.fsdecode(file)).startswith(root)

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if inside(file):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    def guarded_os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if inside(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)


def test_data_folder_changing_on_disk_does_not_touch_a_running_app(tmp_path: Path, monkeypatch: Any) -> None:
    """The app reads its data package once, when it starts (create_app), and never again: files
    garbled, deleted, unreadable or the whole folder moved while it serves change nothing — pages
    and callbacks keep answering with the events loaded at start. Reloading is explicit: restart
    `python -m app serve`, or send HUP to the gunicorn master (its new workers run create_server()
    and load the folder anew; with --preload they would not)."""
    import shutil

    from app.dataset import load_package
    from app.settings import Settings
    from app.web import create_app

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    n_events = len(load_package(copy).events)
    app = create_app(Settings(data_dir=copy, today="2026-11-23"))
    client = app.server.test_client()
    specs = json.loads(client.get("/_dash-dependencies").data)
    download = find_callback(specs, "download-file.data", "download-csv-button.n_clicks")

    def post(spec: dict[str, Any], values: Mapping[str, Any], changed: str) -> dict[str, Any]:
        body = callback_payload(spec, values, changed)
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 200, resp.data[:300]
        answer = resp.get_json()
        if "cacheKey" in answer:  # a background job (the downloads): poll as the renderer does
            query = f"cacheKey={answer['cacheKey']}&job={answer['job']}"
            deadline = time.monotonic() + 120
            while "response" not in answer and time.monotonic() < deadline:
                time.sleep(0.2)
                polled = client.post(f"/_dash-update-component?{query}", json=body)
                assert polled.status_code in (200, 204), polled.data[:300]
                answer = polled.get_json() if polled.data else {}
        return dict(answer["response"])

    def answers() -> tuple[int, int, int, bytes]:
        page = client.get("/")
        assert page.status_code == 200 and client.get("/_dash-layout").status_code == 200
        everything = summary_count(open_link(post, specs, ""))
        some = summary_count(open_link(post, specs, "?cat=transfer"))
        sent = post(download, {"download-csv-button.n_clicks": 1, "filter-store.data": {}},
                    "download-csv-button.n_clicks")["download-file"]["data"]
        csv_bytes = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
        return everything, some, len(csv_bytes.splitlines()), csv_bytes

    before = answers()
    assert before[0] == n_events and 0 < before[1] < n_events and before[2] > n_events  # header + rows

    # 1. files garbled in place (an editor saving half a file, a bad merge)
    (copy / "events.csv").write_bytes(b"\x00\xff garbage," * 100)
    (copy / "schema.json").write_text("{not json", encoding="utf-8")
    (copy / "datapackage.json").write_text("[]", encoding="utf-8")
    assert answers() == before
    # 2. files deleted
    for name in ("sources.csv", "event_sources.csv", "narratives.csv"):
        (copy / name).unlink()
    assert answers() == before
    # 3. every file unreadable (chmod 000; for root, whose reads chmod does not stop, opens refused)
    for f in copy.iterdir():
        f.chmod(0)
    _deny_reads_under(copy, monkeypatch)
    for f in copy.iterdir():  # the fault is real: no file of the folder can be read now
        with pytest.raises(PermissionError):
            f.read_bytes()
    assert answers() == before
    monkeypatch.undo()
    # 4. the folder itself moved away
    copy.rename(tmp_path / "moved")
    assert not copy.exists()
    assert answers() == before


# -- exports to a full or read-only location ----------------------------------------------------
def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``python -m app ARGS`` in-process through its real entry point: (exit code, stderr)."""
    from app.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, err


def disk_full_after(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files opened through os.fdopen (the exporters' temp files) accept ``limit`` bytes, then fail
    with ENOSPC as a full disk does: part of the data is on disk when the error comes."""
    import errno

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle: Any) -> None:
            self._handle, self._room = handle, limit

        def write(self, data: bytes) -> int:
            if len(data) > self._room:
                self._handle.write(data[: self._room])
                self._handle.flush()
                self._room = 0
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self._room -= len(data)
            return int(self._handle.write(data))

        def __getattr__(self, name: str) -> Any:
            return getattr(self._handle, name)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FullDisk(real_fdopen(fd, *a, **k)))


def read_only(folder: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder nobody may write in. 'create': creating the temp file fails (for a non-root user
    the folder really is chmod 555; root ignores modes, so the refusal the kernel would give is
    raised instead). 'rename': the temp file is written but the final rename is refused."""
    import errno
    import tempfile

    def refuse(*args: object, **kwargs: object) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    if how == "create":
        folder.chmod(0o555)
        if os.geteuid() == 0:
            monkeypatch.setattr(tempfile, "mkstemp", refuse)
    else:
        monkeypatch.setattr(os, "replace", refuse)


EXPORTS = {"csv": ["export", "--format", "csv"], "json": ["export", "--format", "json"]}


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
@pytest.mark.parametrize("fault", ["disk-full", "read-only-create", "read-only-rename"])
def test_export_to_a_full_or_read_only_location(fmt: str, fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """One line saying what failed (exit 1, as README's exit codes say for an output that could not
    be written; no traceback), and the folder as it was: no partial file, no temp file left."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"view.{fmt}"
    if fault == "disk-full":
        disk_full_after(1000, monkeypatch)
    else:
        read_only(out_dir, fault.removeprefix("read-only-"), monkeypatch)
    try:
        code, err = run_cli([*EXPORTS[fmt], "--data", str(DATA), "--out", str(target)], capsys)
    finally:
        out_dir.chmod(0o755)
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(target.parent) in lines[0], err
    reason = {"disk-full": "No space left on device"}.get(fault, "Permission denied")
    assert reason in lines[0], err
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_failed_overwrite_keeps_the_old_file_whole(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """--force over an existing export while the disk fills up: the old file stays byte for byte."""
    target = tmp_path / f"view.{fmt}"
    code, _ = run_cli([*EXPORTS[fmt], "--data", str(DATA), "--out", str(target), "--cat", "transfer"], capsys)
    assert code == 0
    old = target.read_bytes()
    disk_full_after(1000, monkeypatch)
    code, err = run_cli([*EXPORTS[fmt], "--data", str(DATA), "--out", str(target), "--force"], capsys)
    assert code == 1 and "No space left on device" in err
    assert target.read_bytes() == old and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_export_hits_a_real_file_size_limit(tmp_path: Path) -> None:
    """No monkeypatching: the kernel itself refuses the write (RLIMIT_FSIZE: EFBIG past 2 KiB),
    in a real `python -m app export` process."""
    target = tmp_path / "view.csv"
    code = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048)); from app.cli import main; "
            "main(sys.argv[1:])")
    proc = subprocess.run([sys.executable, "-c", code, "export", "--format", "csv", "--data", str(DATA),
                           "--out", str(target)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "File too large" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert list(tmp_path.iterdir()) == []


# -- uploads every worker can see ---------------------------------------------------------------
def upload_value(name: str, data: bytes) -> dict[str, str]:
    return {"name": name, "contents": "data:text/csv;base64," + base64.b64encode(data).decode("ascii")}


def post_upload(post: Poster, specs: list[dict[str, Any]], name: str, data: bytes,
                tab: Any = None) -> dict[str, Any]:
    spec = find_callback(specs, "dataset-store.data", "upload-payload-store.data")
    return post(spec, {"upload-payload-store.data": upload_value(name, data), "tab-store.data": tab,
                       "reset-button.n_clicks": 0}, "upload-payload-store.data")


def test_an_upload_is_seen_by_every_gunicorn_worker(tmp_path: Path) -> None:
    """`gunicorn -w 3` with the disk store: upload once, then 50 filter changes — whichever worker
    answers — all come from the uploaded table (its counts, never the bundled data's, never
    "upload it again"), and at least two workers answered them."""
    from app.importers.inmemory import load_upload

    csv_bytes = (REPO / "tests" / "fixtures" / "import" / "acled.csv").read_bytes()
    events = load_upload("acled.csv", csv_bytes).dataset.events
    per_category = events["category"].value_counts().to_dict()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log, access = tmp_path / "gunicorn.log", tmp_path / "access.log"
    args = [sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{port}", "--access-logfile", str(access),
            "--access-logformat", "%(p)s %(U)s", "app.wsgi:create_server()"]
    env = {"GEOTIMELINE_DATA_DIR": str(DATA), "GEOTIMELINE_TODAY": "2026-11-23",
           "GEOTIMELINE_UPLOAD_DIR": str(tmp_path / "uploads"), "GEOTIMELINE_REDIS_URL": ""}
    with server_process(args, log, env) as master:
        wait_until_up(base, master, log)
        specs, post = callbacks(base), partial(post_callback, base)
        switched = post_upload(post, specs, "acled.csv", csv_bytes)
        store = switched["dataset-store"]["data"]
        assert store["name"] == "acled.csv" and store["tab"] and store["token"], switched.get("upload-report")
        assert switched["tab-store"]["data"] == store["tab"]
        searches = ["", *(f"?cat={c}" for c in per_category)]

        def answered_by() -> set[str]:
            return {line.split()[0] for line in access.read_text().splitlines() if "_dash-update-component" in line}

        # 50 changes; the kernel hands connections to whichever worker accepts first, so on a busy
        # machine one worker may take them all: go on (bounded) until a second worker has answered
        for i in range(300):
            if i >= 50 and i % 25 == 0 and len(answered_by()) >= 2:
                break
            search = searches[i % len(searches)]
            answer = change_control(post, specs, {"url-location.search": search, "dataset-store.data": store},
                                    "url-location.search")
            expected = per_category[search[5:]] if search else len(events)
            assert summary_count(answer) == expected, (i, search, answer["summary-line"])
    pids = answered_by()
    assert len(pids) >= 2, f"only worker(s) {pids} answered; the test proves nothing about sharing"
