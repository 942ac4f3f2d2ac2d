"""Our own words: no description of the bundled data shares a run of 8 or more words with the seed
articles (/work/shared/seeds, copied nowhere: the test reads them where they are, or the copy named
by GEOTIMELINE_SEEDS). Words inside quotation marks in a description are quotes and do not count."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from app.settings import BUNDLED_DATA

RUN = 8
SEEDS = Path(os.environ.get("GEOTIMELINE_SEEDS", "/work/shared/seeds"))
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|(?<![A-Za-z])'[^']*'(?![A-Za-z])")
WORD = re.compile(r"[0-9a-zà-ÿ]+(?:['’][0-9a-z]+)?", re.IGNORECASE)


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def shingles(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def shared_runs(description: str, seed_shingles: set[tuple[str, ...]]) -> list[str]:
    """The runs of RUN words outside quotation marks that also occur in a seed."""
    own = QUOTED.sub(" | ", description)  # a quote breaks a run: words on both sides do not join
    found = []
    for part in own.split("|"):
        found += [" ".join(s) for s in shingles(words(part)) if s in seed_shingles]
    return found


def test_detects_a_copied_run_and_ignores_quotes() -> None:
    seed = shingles(words("The quick brown fox jumps over the lazy dog near the river bank today."))
    assert shared_runs("As reported, the quick brown fox jumps over the lazy dog again.", seed)
    assert not shared_runs('He said "the quick brown fox jumps over the lazy dog" once.', seed)
    assert not shared_runs("A quick brown fox jumped over a lazy dog by the river.", seed)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed articles not on this machine (set GEOTIMELINE_SEEDS)")
def test_descriptions_share_no_run_of_8_words_with_the_seeds() -> None:
    seed = set()
    for path in sorted(SEEDS.glob("*.txt")):
        seed |= shingles(words(path.read_text(encoding="utf-8")))
    assert seed, "no seed text read"
    events = pd.read_csv(BUNDLED_DATA / "events.csv", dtype=str, keep_default_na=False)
    copied = {eid: runs for eid, d in zip(events["event_id"], events["description"], strict=True)
              if (runs := shared_runs(d, seed))}
    assert copied == {}
