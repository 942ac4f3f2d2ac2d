"""Heavy work off the request path: decks, briefs and exports are Dash background jobs — on the
disk cache by default, on Celery + Redis when GEOTIMELINE_REDIS_URL is set. The first request
answers at once with a job handle; the file arrives through polls."""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.parse
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from app.web import jobs
from tests.test_faults import (
    DATA,
    REPO,
    callback_payload,
    callbacks,
    find_callback,
    free_port,
    post_callback,
    post_upload,
    request,
    server_process,
    wait_until_up,
)
from tests.test_store import redis_url  # noqa: F401  # the fixture: a real redis-server

JOB_DEADLINE = 180.0


def run_job(base: str, spec: dict[str, Any], values: dict[str, Any], changed: str) -> tuple[float, dict[str, Any]]:
    """Post a background callback as the renderer does, then poll until its result arrives:
    (seconds the first answer took, the final response)."""
    body = callback_payload(spec, values, changed)
    start = time.monotonic()
    status, raw = request(base + "/_dash-update-component", body)
    first = time.monotonic() - start
    assert status == 200, raw[:300]
    handle = json.loads(raw)
    assert "cacheKey" in handle and "job" in handle, handle  # not answered on the request path
    query = urllib.parse.urlencode({"cacheKey": handle["cacheKey"], "job": handle["job"]})
    deadline = time.monotonic() + JOB_DEADLINE
    while time.monotonic() < deadline:
        status, raw = request(f"{base}/_dash-update-component?{query}", body)
        assert status in (200, 204), raw[:300]
        answer = json.loads(raw) if raw else {}
        if "response" in answer:
            return first, answer["response"]
        time.sleep(0.25)
    raise AssertionError("the job did not finish")


def csv_download(base: str, specs: list[dict[str, Any]], store: Any) -> tuple[float, str]:
    spec = find_callback(specs, "download-file.data", "download-csv-button.n_clicks")
    first, response = run_job(base, spec, {"download-csv-button.n_clicks": 1, "filter-store.data": {},
                                           "dataset-store.data": store}, "download-csv-button.n_clicks")
    import base64

    data = response["download-file"]["data"]
    return first, base64.b64decode(data["content"]).decode("utf-8") if data.get("base64") else data["content"]


def test_disk_cache_jobs_under_gunicorn(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    args = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "app.wsgi:create_server()"]
    env = {"GEOTIMELINE_DATA_DIR": str(DATA), "GEOTIMELINE_TODAY": "2026-11-23", "GEOTIMELINE_REDIS_URL": "",
           "GEOTIMELINE_UPLOAD_DIR": str(tmp_path / "uploads")}
    with server_process(args, log, env) as master:
        wait_until_up(base, master, log)
        specs = callbacks(base)
        _, text = csv_download(base, specs, None)
        assert text.count("\n") > 100 and '"event_id"' in text.splitlines()[0]
        spec = find_callback(specs, "download-file.data", "present-html-button.n_clicks")
        _, response = run_job(base, spec, {"present-html-button.n_clicks": 1,
                                           "view-store.data": {"narrative": "dushanbe-to-alabuga"}},
                              "present-html-button.n_clicks")
        assert response["download-file"]["data"]["filename"] == "geotimeline-dushanbe-to-alabuga.html"


def test_celery_jobs_over_redis_read_the_tabs_upload(tmp_path: Path, redis_url: str) -> None:  # noqa: F811
    """GEOTIMELINE_REDIS_URL set: gunicorn -w 2 plus a Celery worker (README's command). An upload
    goes to the Redis store; a CSV export job run by Celery exports that upload."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"GEOTIMELINE_DATA_DIR": str(DATA), "GEOTIMELINE_TODAY": "2026-11-23", "GEOTIMELINE_REDIS_URL": redis_url}
    worker_args = [sys.executable, "-m", "celery", "-A", "app.web.worker", "worker", "--loglevel=INFO",
                   "--concurrency=1", "--pool=solo"]
    web_args = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "app.wsgi:create_server()"]
    with server_process(worker_args, tmp_path / "celery.log", env), \
            server_process(web_args, tmp_path / "gunicorn.log", env) as master:
        wait_until_up(base, master, tmp_path / "gunicorn.log")
        specs, post = callbacks(base), partial(post_callback, base)
        csv_bytes = (REPO / "tests" / "fixtures" / "import" / "acled.csv").read_bytes()
        store = post_upload(post, specs, "acled.csv", csv_bytes)["dataset-store"]["data"]
        assert store["tab"] and store["token"]
        _, text = csv_download(base, specs, store)
        lines = text.strip().splitlines()
        assert len(lines) == 5 and "Bakhmut" in text, text[:500]  # the upload's 4 events, not ours
    assert "background_callback" in (tmp_path / "celery.log").read_text()  # Celery ran it


# -- the renderer queue: decks and briefs are built a bounded number at a time -------------------
def _queued_job(root: str, slots: int, name: str, release: str, log: str) -> None:
    """A job process: wait for a renderer, note each place it was told and when it ran."""
    from app.web.jobs import RendererQueue

    queue = RendererQueue(Path(root), slots)

    def note(line: str) -> None:
        with open(log, "a") as fh:
            fh.write(line + "\n")

    with queue.turn(lambda before: note(f"{name} waits {before}")):
        note(f"{name} runs")
        while not Path(release, name).exists():  # bounded by the test's deadline (it releases or kills)
            time.sleep(0.02)
        note(f"{name} done")


def _wait_for(predicate: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def test_the_renderer_queue_runs_one_at_a_time_in_arrival_order_and_tells_each_its_place(tmp_path: Path) -> None:
    import multiprocessing

    root, release, log = tmp_path / "q", tmp_path / "release", tmp_path / "log"
    release.mkdir()
    lines = lambda: log.read_text().splitlines() if log.exists() else []  # noqa: E731
    mp = multiprocessing.get_context("fork")
    procs = {}
    for name, expect in (("a", "a runs"), ("b", "b waits 1"), ("c", "c waits 2")):
        procs[name] = mp.Process(target=_queued_job, args=(str(root), 1, name, str(release), str(log)))
        procs[name].start()
        _wait_for(lambda e=expect: e in lines(), expect)
    try:
        (release / "a").touch()
        _wait_for(lambda: "b runs" in lines(), "b runs after a")
        assert "c runs" not in lines()  # one renderer: c still waits
        _wait_for(lambda: "c waits 1" in lines(), "c is told it is next")
        (release / "b").touch()
        (release / "c").touch()
        _wait_for(lambda: "c done" in lines(), "c runs last")
        runs = [line for line in lines() if line.endswith(" runs")]
        assert runs == ["a runs", "b runs", "c runs"]
        # at no time did two hold the renderer: each ran only after the one before was done
        order = lines()
        assert order.index("a done") < order.index("b runs") and order.index("b done") < order.index("c runs")
    finally:
        for p in procs.values():
            p.join(10)
            if p.is_alive():
                p.kill()


def test_a_killed_job_frees_its_place_and_its_renderer(tmp_path: Path) -> None:
    import multiprocessing
    import signal

    root, release, log = tmp_path / "q", tmp_path / "release", tmp_path / "log"
    release.mkdir()
    lines = lambda: log.read_text().splitlines() if log.exists() else []  # noqa: E731
    mp = multiprocessing.get_context("fork")
    a = mp.Process(target=_queued_job, args=(str(root), 1, "a", str(release), str(log)))
    a.start()
    _wait_for(lambda: "a runs" in lines(), "a runs")
    b = mp.Process(target=_queued_job, args=(str(root), 1, "b", str(release), str(log)))
    b.start()
    _wait_for(lambda: "b waits 1" in lines(), "b waits")
    c = mp.Process(target=_queued_job, args=(str(root), 1, "c", str(release), str(log)))
    c.start()
    _wait_for(lambda: "c waits 2" in lines(), "c waits behind a and b")
    try:
        os.kill(b.pid, signal.SIGKILL)  # a waiting job dies: its ticket is no longer counted
        _wait_for(lambda: "c waits 1" in lines(), "c moves up")
        os.kill(a.pid, signal.SIGKILL)  # the running one dies: its renderer is free
        _wait_for(lambda: "c runs" in lines(), "c gets the renderer")
        (release / "c").touch()
        _wait_for(lambda: "c done" in lines(), "c done")
    finally:
        for p in (a, b, c):
            p.join(10)
            if p.is_alive():
                p.kill()


def test_two_renderers_run_two_at_a_time(tmp_path: Path) -> None:
    import multiprocessing

    root, release, log = tmp_path / "q", tmp_path / "release", tmp_path / "log"
    release.mkdir()
    lines = lambda: log.read_text().splitlines() if log.exists() else []  # noqa: E731
    mp = multiprocessing.get_context("fork")
    procs = [mp.Process(target=_queued_job, args=(str(root), 2, n, str(release), str(log))) for n in "abc"]
    try:
        for p in procs:
            p.start()
        _wait_for(lambda: sum(line.endswith(" runs") for line in lines()) == 2, "two run")
        _wait_for(lambda: any(" waits " in line for line in lines()), "the third waits")
        waiting = next(line.split()[0] for line in lines() if " waits " in line)
        assert f"{waiting} runs" not in lines()
        for n in "abc":
            (release / n).touch()
        _wait_for(lambda: sum(line.endswith(" done") for line in lines()) == 3, "all three done")
    finally:
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()


def test_queue_text_and_the_renderer_count() -> None:
    from app.web.jobs import queue_text, renderers

    assert queue_text(1, 1) == "In the queue: 1 deck or brief before yours (they are built one at a time)…"
    assert "3 decks or briefs before yours" in queue_text(3, 2) and "2 at a time" in queue_text(3, 2)
    assert renderers({"GEOTIMELINE_RENDERERS": "2"}) == 2
    assert renderers({"GEOTIMELINE_RENDERERS": "0"}) == renderers({}) >= 1  # out of range: the default


def test_a_job_not_yet_started_says_it_waits() -> None:
    """A Celery job past the workers' concurrency waits in Redis, where nothing of ours runs: the
    bar's text until its first progress says it waits (it was empty)."""
    from app.web.jobs import JOB_WAITING, in_background

    made = in_background(object(), "a-button")
    assert made["progress_default"][2] == JOB_WAITING == "Waiting for the job to start…"
    assert made["running"][0][1:] == (False, True)  # the bar shows only while a job is asked for


def test_a_job_process_runs_at_a_lower_cpu_priority() -> None:
    import multiprocessing

    from app.web.jobs import JOB_NICENESS, lower_priority

    def child(q: Any) -> None:
        lower_priority()
        lower_priority()  # idempotent: not 2 × JOB_NICENESS
        q.put(os.getpriority(os.PRIO_PROCESS, 0))

    mp = multiprocessing.get_context("fork")
    q = mp.Queue()
    p = mp.Process(target=child, args=(q,))
    p.start()
    assert q.get(timeout=30) == max(JOB_NICENESS, os.getpriority(os.PRIO_PROCESS, 0))
    p.join(10)


def test_every_job_has_a_key_of_its_own(tmp_path: Path) -> None:
    """Two users asking for the same file at once: two jobs, two result keys (Dash's own key is the
    callback and its arguments, so they would share one and one download would never come)."""
    from app.settings import Settings
    from app.web.jobs import brief_job, job_manager

    manager = job_manager(Settings(upload_dir=str(tmp_path / "uploads")))
    args = {"clicks": {"present-pptx-button": 1}, "view_data": {"narrative": "x"}}
    keys = {manager.build_cache_key(brief_job, args, [], None) for _ in range(3)}
    assert len(keys) == 3


class _Flaky(Exception):
    """A store error that passes (Redis restarting)."""


class _Manager:
    """A background-callback manager whose store fails ``fails`` times, then answers."""

    UNDEFINED = object()

    def __init__(self, fails: int) -> None:
        self.fails, self.calls = fails, 0

    def _store(self, value: object) -> object:
        self.calls += 1
        if self.fails:
            self.fails -= 1
            raise _Flaky("Connection closed by server.")
        return value

    def call_job_fn(self, key: str, job_fn: object, args: object, context: object) -> object:
        return self._store("task-1")

    def get_progress(self, key: str) -> object:
        return self._store(["50"])

    def get_result(self, key: str, job: str) -> object:
        return self._store({"done": key})

    def job_running(self, job: str) -> object:
        return self._store(False)

    def get_updated_props(self, key: str) -> object:
        return self._store({"a": 1})


def test_a_job_poll_rides_out_a_store_restart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "STORE_WAIT_SECONDS", 5.0)
    manager = jobs.patient(_Manager, (_Flaky,))(fails=2)
    assert manager.get_result("k", "j") == {"done": "k"}  # tried again until the store answered
    assert manager.calls == 3


def test_a_poll_the_store_cannot_answer_is_not_finished_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "STORE_WAIT_SECONDS", 0.3)
    manager = jobs.patient(_Manager, (_Flaky,))(fails=10_000)
    # what Dash reads as "still running, nothing new": the browser polls again
    assert manager.get_progress("k") is None
    assert manager.get_result("k", "j") is _Manager.UNDEFINED
    assert manager.job_running("j") is True
    assert manager.get_updated_props("k") == {}
    with pytest.raises(_Flaky):  # a job that cannot be started is not pretended started
        manager.call_job_fn("k", None, (), {})


def test_other_errors_are_not_waited_on(monkeypatch: pytest.MonkeyPatch) -> None:
    manager = jobs.patient(_Manager, (KeyError,))(fails=1)
    with pytest.raises(_Flaky):
        manager.get_result("k", "j")
    assert manager.calls == 1
