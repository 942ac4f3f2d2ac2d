"""Load benchmark: the app under gunicorn (2 workers) and locust users doing what people do.

Starts `gunicorn -w 2 -b 127.0.0.1:PORT 'app.wsgi:create_server()'` on a free port (with
GEOTIMELINE_TODAY=2026-11-23), runs bench/locustfile.py headless against it with N users for a
bounded time, then prints: total requests, errors (non-2xx, bad answers and exceptions), p50 / p95
/ p99 per request kind (ms), and the RSS of the gunicorn workers before and after the load with
the growth, each next to its target (0 errors, p95 <= 500 ms, memory growth <= 10 %).

Usage: python bench/load.py [--duration 120] [--users 50] [--spawn-rate 10]
Needs the `bench` extra (locust, psutil). Only 127.0.0.1 is contacted. Every process it starts
is stopped at the end, also on Ctrl-C or an error. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
LOCUSTFILE = Path(__file__).resolve().with_name("locustfile.py")
TODAY = "2026-11-23"
WORKERS = 2
TARGET_ERRORS = 0
TARGET_P95_MS = 500.0
TARGET_GROWTH_PCT = 10.0
KIND_ORDER = ["page", "layout", "dependencies", "deep-link", "filter-sync", "views", "select", "panel",
              "download-csv", "job-poll", "upload"]
MB = 1024 * 1024
# no proxy may carry the traffic elsewhere; no locust setting from the environment changes the run
DROP_ENV = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


class Interrupted(Exception):
    """SIGTERM / SIGHUP: stop like Ctrl-C."""


def _raise_interrupted(signum: int, _frame: Any) -> None:
    raise Interrupted(signal.Signals(signum).name)


def _die_with_parent() -> None:
    """In the child before exec: own session (Ctrl-C reaches us, we stop it), and SIGTERM when
    this script dies without cleaning up (even by SIGKILL). Linux prctl; ignored elsewhere."""
    os.setsid()
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


EXTRA_ENV: dict[str, str] = {}  # GEOTIMELINE_REDIS_URL with --redis


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROP_ENV and not k.startswith("LOCUST_")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["GEOTIMELINE_TODAY"] = TODAY
    env.update(EXTRA_ENV)
    return env


def http_get(url: str, timeout: float = 5.0) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as resp:
        resp.read()
        return int(resp.status)


def executable(name: str) -> str:
    for candidate in (Path(sys.executable).with_name(name), REPO / ".venv" / "bin" / name):
        if candidate.exists():
            return str(candidate)
    sys.exit(f"{name} not found next to {sys.executable}: install the bench extra (pip install -e '.[bench]')")


@dataclass
class Memory:
    """RSS of the gunicorn workers (the master's children), sampled during the run."""

    master: psutil.Process
    samples: list[tuple[float, dict[int, int]]] = field(default_factory=list)
    pids_seen: set[int] = field(default_factory=set)
    cpu: dict[int, tuple[float, float]] = field(default_factory=dict)  # pid -> CPU s first and last seen

    def workers(self) -> dict[int, int]:
        rss = {}
        for proc in self.master.children():
            with contextlib.suppress(psutil.Error):
                rss[proc.pid] = proc.memory_info().rss
                times = proc.cpu_times()
                used = times.user + times.system
                self.cpu[proc.pid] = (self.cpu.get(proc.pid, (used, used))[0], used)
        return rss

    def cpu_seconds(self) -> float:
        """CPU seconds the web workers used since each was first seen (a killed one: until its last sample)."""
        return sum(last - first for first, last in self.cpu.values())

    def sample(self) -> dict[int, int]:
        rss = self.workers()
        self.samples.append((time.monotonic(), rss))
        self.pids_seen |= set(rss)
        return rss


class Run:
    """The processes this script starts, and how to stop them (always)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server: subprocess.Popen[bytes] | None = None
        self.locust: subprocess.Popen[bytes] | None = None
        self.server_log = workdir / "gunicorn.log"
        self.locust_log = workdir / "locust.log"
        self.all_pids: set[int] = set()
        self.redis: subprocess.Popen[bytes] | None = None
        self.celery: subprocess.Popen[bytes] | None = None
        self.redis_port = 0
        self.faults: list[str] = []

    def start_redis(self, port: int) -> None:
        """A real redis-server on loopback, persisting to an append-only file in the work folder
        (a restart keeps the uploads, as a production Redis would)."""
        self.redis_port = port
        exe = subprocess.run(["which", "redis-server"], capture_output=True, text=True).stdout.strip()
        if not exe:
            raise RuntimeError("redis-server not found (apt-get install redis-server)")
        with (self.workdir / "redis.log").open("ab") as log:
            self.redis = subprocess.Popen(
                [exe, "--port", str(port), "--bind", "127.0.0.1", "--appendonly", "yes", "--save", "",
                 "--dir", str(self.workdir)], cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        self.all_pids.add(self.redis.pid)
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def restart_redis(self) -> float:
        """Stop Redis (SIGTERM: it writes its file and exits) and start it again; the seconds it was down."""
        start = time.monotonic()
        self._stop(self.redis, signal.SIGTERM, 10)
        self.start_redis(self.redis_port)
        return time.monotonic() - start

    def start_celery(self) -> None:
        # --concurrency as README's command: waiting decks see their place, exports do not wait behind them
        cmd = [executable("celery"), "-A", "app.web.worker", "worker", "--loglevel=WARNING", "--concurrency=8"]
        with (self.workdir / "celery.log").open("wb") as log:
            self.celery = subprocess.Popen(cmd, cwd=REPO, env=child_env(), stdin=subprocess.DEVNULL, stdout=log,
                                           stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        self.all_pids.add(self.celery.pid)

    def kill_a_worker(self) -> int:
        """SIGKILL one gunicorn worker, preferably one serving a request."""
        assert self.server is not None
        workers = [c.pid for c in psutil.Process(self.server.pid).children()]
        busy = [p for p in workers if _sockets(p) >= 2]
        victim = (busy or workers)[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def start_server(self, port: int) -> subprocess.Popen[bytes]:
        cmd = [executable("gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "app.wsgi:create_server()"]
        if "--no-control-socket" in subprocess.run([cmd[0], "--help"], capture_output=True, text=True).stdout:
            cmd.insert(1, "--no-control-socket")  # gunicorn >= 24: no shared ~/.gunicorn/gunicorn.ctl
        with self.server_log.open("wb") as log:
            self.server = subprocess.Popen(cmd, cwd=REPO, env=child_env(), stdin=subprocess.DEVNULL,
                                           stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        self.all_pids.add(self.server.pid)
        return self.server

    def start_locust(self, host: str, users: int, spawn_rate: float, duration: int) -> subprocess.Popen[bytes]:
        cmd = [executable("locust"), "-f", str(LOCUSTFILE), "--headless", "--host", host,
               "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{duration}s",
               "--stop-timeout", "10", "--csv", str(self.workdir / "locust"), "--only-summary",
               "--exit-code-on-error", "0", "--loglevel", "WARNING"]
        with self.locust_log.open("wb") as log:
            self.locust = subprocess.Popen(cmd, cwd=self.workdir, env=child_env(), stdin=subprocess.DEVNULL,
                                           stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        self.all_pids.add(self.locust.pid)
        return self.locust

    def track_children(self) -> None:
        for proc in (self.server, self.locust):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(psutil.Error):
                    self.all_pids |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}

    @staticmethod
    def _stop(proc: subprocess.Popen[bytes] | None, first: signal.Signals, grace: float) -> None:
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, first)  # its own session: the group is it and its children
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything left in the group (workers, greenlets)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)

    def stop_locust(self) -> None:
        self.track_children()
        self._stop(self.locust, signal.SIGTERM, 20)  # locust writes its final CSV on SIGTERM

    def stop_server(self) -> None:
        self.track_children()
        self._stop(self.server, signal.SIGTERM, 15)  # gunicorn: graceful stop of the workers
        self._stop(self.celery, signal.SIGTERM, 15)
        self._stop(self.redis, signal.SIGTERM, 10)

    def leftovers(self) -> list[int]:
        alive = []
        for pid in self.all_pids:
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(pid)
                if proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
        return sorted(alive)


def _sockets(pid: int) -> int:
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return 0
    count = 0
    for fd in fds:
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


def wait_ready(run: Run, url: str, timeout: float = 90.0) -> Memory:
    """Wait until both workers have loaded the app and their memory has settled."""
    assert run.server is not None
    deadline = time.monotonic() + timeout
    while True:
        if run.server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {run.server.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")
        try:
            if http_get(url, timeout=2) == 200:
                break
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    memory = Memory(psutil.Process(run.server.pid))
    # concurrent requests, so that a worker still loading the app is waited for too
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        for status in pool.map(lambda path: http_get(url.rstrip("/") + path, timeout=60),
                               ["/", "/_dash-layout", "/_dash-dependencies"] * 4 * WORKERS):
            if status != 200:
                raise RuntimeError(f"warm-up request answered {status}")
    previous: dict[int, int] = {}
    settle = time.monotonic() + 30
    while time.monotonic() < settle:
        rss = memory.workers()
        if len(rss) == WORKERS and rss.keys() == previous.keys() and all(
                abs(rss[p] - previous[p]) <= 0.005 * previous[p] for p in rss):
            break
        previous = rss
        time.sleep(1.0)
    return memory


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "N/A") else None
    except ValueError:
        return None


def fmt_ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def mark(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def report(args: argparse.Namespace, run: Run, memory: Memory | None, start_rss: dict[int, int],
           end_rss: dict[int, int], elapsed: float, interrupted: bool, locust_cpu: tuple[float, float]) -> None:
    stats = read_csv(run.workdir / "locust_stats.csv")
    failures = read_csv(run.workdir / "locust_failures.csv")
    exceptions = read_csv(run.workdir / "locust_exceptions.csv")
    rows = {r["Name"]: r for r in stats if r.get("Name") and r["Name"] != "Aggregated"}
    total = next((r for r in stats if r.get("Name") == "Aggregated"), None)

    print()
    title = "INTERRUPTED — partial results" if interrupted else "results"
    print(f"== {title}: {args.users} users, {elapsed:.0f} s of load (asked {args.duration} s) ==")
    if not stats:
        print("no statistics were written by locust; its log:")
        print(run.locust_log.read_text(errors="replace")[-3000:] if run.locust_log.exists() else "(none)")
        return
    order = [k for k in KIND_ORDER if k in rows] + sorted(k for k in rows if k not in KIND_ORDER)
    print(f"{'kind':<14}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"   p95 target ≤ {TARGET_P95_MS:.0f} ms")
    slow = []
    for kind in order:
        r = rows[kind]
        p95 = number(r.get("95%"))
        ok = p95 is not None and p95 <= TARGET_P95_MS
        if not ok:
            slow.append(f"{kind} {fmt_ms(p95)} ms")
        print(f"{kind:<14}{r['Request Count']:>9}{r['Failure Count']:>8}{fmt_ms(number(r.get('50%'))):>9}"
              f"{fmt_ms(p95):>9}{fmt_ms(number(r.get('99%'))):>9}   {mark(ok)}")
    if total is not None:
        print(f"{'all':<14}{total['Request Count']:>9}{total['Failure Count']:>8}"
              f"{fmt_ms(number(total.get('50%'))):>9}{fmt_ms(number(total.get('95%'))):>9}"
              f"{fmt_ms(number(total.get('99%'))):>9}")

    n_requests = int(total["Request Count"]) if total else sum(int(r["Request Count"]) for r in rows.values())
    non2xx = sum(int(f["Occurrences"]) for f in failures if f.get("Error", "").startswith("HTTP "))
    bad = sum(int(f["Occurrences"]) for f in failures if f.get("Error", "").startswith("bad response"))
    raised = sum(int(f["Occurrences"]) for f in failures) - non2xx - bad
    code_errors = sum(int(e.get("Count") or 0) for e in exceptions)
    locust_log = run.locust_log.read_text(errors="replace") if run.locust_log.exists() else ""
    # an exception that escaped a user's greenlet is only in the log
    code_errors += locust_log.count("Traceback (most recent call last)")
    errors = non2xx + bad + raised + code_errors
    rate = number(total.get("Requests/s")) if total else None
    print()
    print(f"total requests: {n_requests}" + (f" ({rate:.1f}/s)" if rate else ""))
    print(f"errors: {errors}  (non-2xx {non2xx}, wrong answers {bad}, request exceptions {raised}, "
          f"locustfile exceptions {code_errors})   target {TARGET_ERRORS}: {mark(errors <= TARGET_ERRORS)}")
    for f in failures[:8]:
        print(f"  {f['Occurrences']:>6} × {f['Name']}: {f['Error'][:160]}")
    for e in exceptions[:5]:
        print(f"  {e.get('Count', '?'):>6} × locustfile: {e.get('Message', '')[:160]}")
    if code_errors or not n_requests:
        print("  locust log (end):")
        print("\n".join("    " + line for line in locust_log.strip().splitlines()[-25:]))
    over = f"  (over: {', '.join(slow)})" if slow else ""
    print(f"p95 ≤ {TARGET_P95_MS:.0f} ms for every kind: {mark(not slow)}{over}")

    if memory is not None and start_rss and end_rss:
        a, b = sum(start_rss.values()), sum(end_rss.values())
        peak = max((sum(rss.values()) for _, rss in memory.samples if len(rss) == len(start_rss)), default=b)
        growth = 100.0 * (b - a) / a
        print(f"worker memory (RSS, {len(start_rss)} workers): start {a / MB:.1f} MB · end {b / MB:.1f} MB · "
              f"peak {peak / MB:.1f} MB · growth {growth:+.1f} %   target ≤ {TARGET_GROWTH_PCT:.0f} %: "
              f"{mark(growth <= TARGET_GROWTH_PCT)}")
        for pid in sorted(set(start_rss) | set(end_rss)):
            before, after = start_rss.get(pid), end_rss.get(pid)
            line = f"  worker {pid}: " + (f"{before / MB:.1f} MB" if before else "—") + " → "
            line += f"{after / MB:.1f} MB" if after else "gone"
            if before and after:
                line += f" ({100.0 * (after - before) / before:+.1f} %)"
            print(line)
        during = [(t, sum(rss.values())) for t, rss in memory.samples[1:] if rss.keys() == start_rss.keys()]
        if len(during) >= 4:
            middle = during[len(during) // 2][1]
            print(f"  second half of the run alone: {middle / MB:.1f} → {b / MB:.1f} MB "
                  f"({100.0 * (b - middle) / middle:+.1f} %): caches filling level off, a leak keeps growing")
        if n_requests:
            used = memory.cpu_seconds()
            print(f"web workers' CPU: {used:.1f} s for {n_requests} requests = {1000.0 * used / n_requests:.1f} ms "
                  "per request (the steadier number to compare code by on a shared machine)")
        if new := sorted(memory.pids_seen - set(start_rss)):
            print(f"  note: gunicorn replaced workers during the run (new pids {new})")
    if locust_cpu[1] > 0:
        print(f"load generator: locust used {100.0 * locust_cpu[0] / locust_cpu[1]:.0f} % of one core "
              f"on this {os.cpu_count()}-core machine, beside the server; machine load average at the end "
              f"{os.getloadavg()[0]:.2f} (anything else running skews the latencies)")
    if "CPU usage above" in locust_log or "CPU usage was too high" in locust_log:
        print("note: locust (on this same machine) ran out of CPU: latencies include its own delays")
    celery_log = run.workdir / "celery.log"
    if failures and any(f.get("Name") in ("download-csv", "job-poll") for f in failures) and celery_log.exists():
        tail = celery_log.read_text(errors="replace").strip().splitlines()[-40:]  # the log goes with the run
        print("jobs failed; the Celery worker's log ends:" + "".join(f"\n  {line}" for line in tail))
    log = run.server_log.read_text(errors="replace") if run.server_log.exists() else ""
    timeouts, tracebacks = log.count("WORKER TIMEOUT"), log.count("Traceback (most recent call last)")
    if timeouts or tracebacks:
        print(f"server log: {timeouts} worker timeouts, {tracebacks} tracebacks (the log goes with the run's "
              "folder; the first traceback:)")
        at = log.find("Traceback (most recent call last)")
        if at >= 0:  # the traceback and the lines before it that say which request it was
            before = log.rfind("\n", 0, max(log.rfind("\n", 0, at) - 1, 0))
            print("  " + log[max(before, 0):at + 4000].strip().replace("\n", "\n  "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of load (default 120; 10..3600)")
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2; 1..16)")
    parser.add_argument("--redis", action="store_true",
                        help="start a redis-server (loopback) and a Celery worker: the Redis upload store and jobs")
    parser.add_argument("--faults", action="store_true",
                        help="SIGKILL one worker at 1/3 of the run and (with --redis) restart Redis at 2/3")
    args = parser.parse_args()
    global WORKERS
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be 1..16")
    WORKERS = args.workers
    if not 10 <= args.duration <= 3600:
        parser.error("--duration must be between 10 and 3600 seconds")
    if not 1 <= args.users <= 1000 or args.spawn_rate <= 0:
        parser.error("--users must be 1..1000 and --spawn-rate positive")

    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (`cmd &`)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_interrupted)
    interrupted = False
    failed = ""
    memory: Memory | None = None
    start_rss: dict[int, int] = {}
    end_rss: dict[int, int] = {}
    elapsed = 0.0
    t0: float | None = None
    locust_cpu = (0.0, 0.0)  # CPU seconds used by locust, wall seconds
    left: list[int] = []
    with tempfile.TemporaryDirectory(prefix="geotimeline-load-") as tmp:
        run = Run(Path(tmp))
        try:
            port = free_port()
            host = f"http://127.0.0.1:{port}"
            if args.redis:
                run.start_redis(free_port())
                EXTRA_ENV["GEOTIMELINE_REDIS_URL"] = f"redis://127.0.0.1:{run.redis_port}/0"
                run.start_celery()
            else:
                EXTRA_ENV["GEOTIMELINE_UPLOAD_DIR"] = str(run.workdir / "uploads")
            print(f"starting gunicorn -w {WORKERS} on {host} (GEOTIMELINE_TODAY={TODAY}) …", flush=True)
            run.start_server(port)
            memory = wait_ready(run, host + "/")
            memory.cpu.clear()  # CPU counted from the start of the load
            start_rss = memory.sample()
            print(f"ready: workers {sorted(start_rss)}, {sum(start_rss.values()) / MB:.1f} MB RSS; "
                  f"locust: {args.users} users (+{args.spawn_rate:g}/s), {args.duration} s; "
                  f"machine load average {os.getloadavg()[0]:.2f} …", flush=True)
            t0 = time.monotonic()
            locust = run.start_locust(host, args.users, args.spawn_rate, args.duration)
            hard_stop = t0 + args.duration + args.users / args.spawn_rate + 60
            kill_at = t0 + args.duration / 3 if args.faults else None
            restart_at = t0 + 2 * args.duration / 3 if args.faults and args.redis else None
            while locust.poll() is None:
                if kill_at is not None and time.monotonic() >= kill_at:
                    kill_at = None
                    victim = run.kill_a_worker()
                    run.faults.append(f"{time.monotonic() - t0:.0f} s: worker {victim} SIGKILLed")
                if restart_at is not None and time.monotonic() >= restart_at:
                    restart_at = None
                    down = run.restart_redis()
                    run.faults.append(f"{time.monotonic() - t0:.0f} s: Redis restarted (down {down:.1f} s)")
                if time.monotonic() > hard_stop:
                    failed = "locust did not stop on time; it was stopped"
                    break
                if run.server.poll() is not None:  # type: ignore[union-attr]
                    failed = f"gunicorn exited with code {run.server.returncode} during the run"  # type: ignore[union-attr]
                    break
                memory.sample()
                run.track_children()
                with contextlib.suppress(psutil.Error):
                    times = psutil.Process(locust.pid).cpu_times()
                    locust_cpu = (times.user + times.system, time.monotonic() - t0)
                time.sleep(1.0)
            elapsed = time.monotonic() - t0
        except (KeyboardInterrupt, Interrupted):
            interrupted = True
            elapsed = time.monotonic() - t0 if t0 is not None else 0.0
        except (RuntimeError, OSError, psutil.Error) as exc:
            failed = str(exc)
        finally:
            # a second Ctrl-C must not cut the clean-up short (it is bounded: ~1 min at most)
            previous = {sig: signal.signal(sig, signal.SIG_IGN)
                        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
            run.stop_locust()
            if memory is not None and run.server is not None and run.server.poll() is None:
                time.sleep(1.0)  # the last requests finish
                end_rss = memory.sample()
            run.stop_server()
            left = run.leftovers()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed:
            print(f"error: {failed}", file=sys.stderr)
            if run.server_log.exists():
                print(run.server_log.read_text(errors="replace")[-2000:], file=sys.stderr)
        if run.locust is not None:
            report(args, run, memory, start_rss, end_rss, elapsed, interrupted, locust_cpu)
            for fault in run.faults:
                print(f"fault: {fault}")
        print(f"stopped: gunicorn and locust; processes left behind: {left or 'none'}")
    if interrupted:
        return 130
    return 1 if failed or left else 0


if __name__ == "__main__":
    sys.exit(main())
