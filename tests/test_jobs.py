"""Heavy work off the request path: decks, briefs and exports are Dash background jobs — on the
disk cache by default, on Celery + Redis when GEOTIMELINE_REDIS_URL is set. The first request
answers at once with a job handle; the file arrives through polls."""

from __future__ import annotations

import json
import sys
import time
import urllib.parse
from functools import partial
from pathlib import Path
from typing import Any

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
