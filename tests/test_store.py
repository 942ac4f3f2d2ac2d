"""The shared upload store (disk and Redis): keyed by tab, TTL, per-tab and total budgets, truthful
reasons; and the Registry over it: another worker opens the same upload, a store that is down
does not take the views down."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.web import datasets
from app.web.datasets import Registry, UploadGone
from app.web.store import DiskStore, Gone, Limits, RedisStore, StoreUnavailable
from tests.test_faults import free_port

TAB_A, TAB_B = "a" * 22, "b" * 22
TOKEN = "0123456789abcdef" * 2


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # each pytest-xdist worker keeps to its own database of the one server (gw0 -> 0, gw1 -> 1 …):
    # the tests clear the store's keys, and two workers must not clear each other's
    db = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 16
    given = os.environ.get("GEOTIMELINE_TEST_REDIS_URL", "")
    if given:  # .ci/run started one
        yield given.rsplit("/", 1)[0] + f"/{db}"
        return
    exe = shutil.which("redis-server")
    assert exe, "redis-server not found: run `bash .ci/run` (it installs Debian's redis-server)"
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/{db}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(params=["disk", "redis"])
def make(request: pytest.FixtureRequest, tmp_path: Path):
    def build(**limits: float):
        lim = Limits(**limits)  # type: ignore[arg-type]
        if request.param == "disk":
            return DiskStore(tmp_path / "uploads", lim)
        store = RedisStore(request.getfixturevalue("redis_url"), lim)
        store.clear()
        return store
    return build


def reason(store, tab: str, token: str) -> str:
    with pytest.raises(Gone) as exc:
        store.get(tab, token)
    return exc.value.reason


def token(i: int) -> str:
    return f"{i:032x}"


def test_round_trip_and_tabs_are_apart(make) -> None:
    store = make()
    store.put(TAB_A, TOKEN, "mine.csv", b"date,title\n")
    got = store.get(TAB_A, TOKEN)
    assert (got.name, got.data) == ("mine.csv", b"date,title\n")
    assert reason(store, TAB_B, TOKEN) == "unknown"  # the same file in another tab is not this one
    for bad_tab, bad_token in ((TAB_A, "../../etc/passwd"), ("x", TOKEN), (TAB_A, None), ({"a": 1}, TOKEN)):
        assert reason(store, bad_tab, bad_token) == "unknown"


def test_per_tab_budget_drops_the_oldest_and_says_so(make) -> None:
    store = make(per_tab=2)
    for i in range(3):
        store.put(TAB_A, token(i), f"{i}.csv", b"x")
        time.sleep(0.01)
    store.put(TAB_B, token(9), "other.csv", b"x")
    assert reason(store, TAB_A, token(0)) == "tab"
    assert store.get(TAB_A, token(2)).name == "2.csv" and store.get(TAB_B, token(9)).name == "other.csv"
    with pytest.raises(Gone, match="keeps only its last 2 uploads"):
        store.get(TAB_A, token(0))


def test_per_tab_bytes_and_total_budget(make) -> None:
    store = make(per_tab_bytes=10, total_bytes=25)
    store.put(TAB_A, token(1), "a.csv", b"x" * 6)
    time.sleep(0.01)
    store.put(TAB_A, token(2), "b.csv", b"x" * 6)  # 12 bytes in one tab: the older goes
    assert reason(store, TAB_A, token(1)) == "tab"
    time.sleep(0.01)
    store.put(TAB_B, token(3), "c.csv", b"x" * 9)
    time.sleep(0.01)
    store.get(TAB_A, token(2))  # used: now the most recent of the two
    time.sleep(0.01)
    store.put("c" * 22, token(4), "d.csv", b"x" * 9)  # 6 + 9 + 9 = 24: fits
    time.sleep(0.01)
    store.put("d" * 22, token(5), "e.csv", b"x" * 9)  # 33 > 25: the least recently used goes (tab B)
    assert reason(store, TAB_B, token(3)) == "total"
    with pytest.raises(Gone, match="space for uploads was full"):
        store.get(TAB_B, token(3))
    assert store.get(TAB_A, token(2)).name == "b.csv"


def test_time_to_live(make) -> None:
    store = make(ttl=1)
    store.put(TAB_A, TOKEN, "a.csv", b"x")
    time.sleep(2.1)
    assert reason(store, TAB_A, TOKEN) == "expired"
    assert "kept 1 minute after it was last used" in Gone("expired", Limits(ttl=60)).message
    assert "kept 4 hours after" in Gone("expired").message


def test_disk_store_is_private(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "up")
    store.put(TAB_A, TOKEN, "a.csv", b"x")
    assert oct((tmp_path / "up").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "up" / TAB_A).stat().st_mode & 0o777) == "0o700"
    assert os.stat(tmp_path / "up" / TAB_A / f"{TOKEN}.bin").st_mode & 0o077 == 0


# -- the Registry over a shared store: two "workers" ----------------------------------------------
class FakeDeps:
    def __init__(self, ds: object):
        self.ds = ds


def registries(store, loads: list[str]) -> tuple[Registry, Registry]:
    bundled = FakeDeps("bundled")

    def load(name: str, data: bytes) -> object:
        loads.append(name)
        return ("loaded", name, data)

    def build() -> Registry:
        return Registry(bundled, FakeDeps, store=store, load=load)  # type: ignore[arg-type]
    return build(), build()


def test_another_worker_opens_the_same_upload(make, monkeypatch) -> None:
    store = make(per_tab=1)
    loads: list[str] = []
    one, two = registries(store, loads)
    value = one.add("ds", b"events", "mine.csv", TAB_A)  # type: ignore[arg-type]
    assert value["tab"] == TAB_A and one.get(value).ds == "ds"
    assert two.get(value).ds == ("loaded", "mine.csv", b"events") and loads == ["mine.csv"]
    assert two.get(value).ds == ("loaded", "mine.csv", b"events") and loads == ["mine.csv"]  # held now
    # the tab opens a newer file on worker one; worker two learns it once its copy is revalidated
    one.add("ds2", b"newer", "newer.csv", TAB_A)  # type: ignore[arg-type]
    monkeypatch.setattr(datasets, "REVALIDATE_SECONDS", 0.0)
    with pytest.raises(UploadGone, match="newer files"):
        two.get(value)


def test_a_store_that_is_down_does_not_take_the_views_down(monkeypatch) -> None:
    class Down:
        limits = Limits()

        def put(self, *a: object) -> None:
            raise StoreUnavailable("down")

        get = touch = put

    class Up(Down):
        def put(self, *a: object) -> None:
            return None

    loads: list[str] = []
    store = Up()
    one, _ = registries(store, loads)
    value = one.add("ds", b"x", "a.csv", TAB_A)  # type: ignore[arg-type]
    store.__class__ = Down  # Redis goes away
    monkeypatch.setattr(datasets, "REVALIDATE_SECONDS", 0.0)
    monkeypatch.setattr(datasets, "UNAVAILABLE_WAIT_SECONDS", 0.3)
    assert one.get(value).ds == "ds"  # answered from this worker's copy
    _, other = registries(store, loads)
    with pytest.raises(UploadGone, match="cannot be reached"):
        other.get(value)
    assert one.get(None).ds == "bundled"


def test_the_upload_panel_says_how_long_the_store_keeps_a_file() -> None:
    """The panel told "nothing is saved" while the store kept an upload 4 h after its last use: it
    says the store's own time now, as the eviction message does (issue 18, item 7)."""
    from app.web.layout import upload_panel
    from app.web.store import TTL_SECONDS, Gone, ttl_words

    text = str(upload_panel())
    assert "nothing is saved" not in text
    assert f"for {ttl_words(TTL_SECONDS)} after its last use" in text
    assert ttl_words(TTL_SECONDS) == "4 hours" and ttl_words(1800) == "30 minutes"
    assert ttl_words(TTL_SECONDS) in Gone("expired").message
