"""The slug bases and sort keys of the last build's names (generator/slugs.py, pipeline.SLUGS_CACHE):
a new process makes only those of new names, gets what a cold process gets, and a damaged or
missing cache file only means making them afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import cache, pipeline, slugs
from generator.config import settings_for

NAMES = ["Attention Is All You Need", "Ünïcode Ñames — and Dashes", "index", "", "Łukasz Kaiser"]


def forget() -> None:
    """Nothing made or remembered in this process, as in a new one."""
    slugs._slug_bases.clear()
    slugs._sort_keys.clear()
    slugs.remember(({}, {}))


def cold(names: list[str]) -> list[tuple[str, str]]:
    forget()
    return [(slugs.slug_base(n), slugs.sort_key(n)) for n in names]


def one_build(settings, names: list[str]) -> list[tuple[str, str]]:
    """What a build does with the memo: remember what was kept, use the names, keep what was used."""
    pipeline.remember_slugs(settings)
    made = [(slugs.slug_base(n), slugs.sort_key(n)) for n in names]
    pipeline.keep_slugs(settings)
    return made


def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    real = slugs._made_slug_base
    monkeypatch.setattr(slugs, "_made_slug_base", lambda title: made.append(title) or real(title))
    return made


def test_a_new_process_makes_only_the_slugs_of_new_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(tmp_path, sources=[], cache_folder="cache")
    expected = cold(NAMES + ["Marmots"])
    forget()
    assert one_build(settings, NAMES) == expected[:-1]
    forget()
    made = counted(monkeypatch)
    assert one_build(settings, NAMES[1:] + ["Marmots"]) == expected[1:]
    assert made == ["Marmots"]
    kept = cache.load(tmp_path / "cache" / pipeline.SLUGS_CACHE, slugs.memo_key())
    assert set(kept[0]) == set(kept[1]) == set(NAMES[1:] + ["Marmots"])  # only the names of the last build


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_slugs_cache_makes_the_same_slugs(tmp_path: Path, damage: str) -> None:
    settings = settings_for(tmp_path, sources=[], cache_folder="cache")
    expected = cold(NAMES)
    one_build(settings, NAMES)
    path = tmp_path / "cache" / pipeline.SLUGS_CACHE
    raw = path.read_bytes()
    path.write_bytes({"garbage": raw[:60] + b"\x00junk" + raw[65:], "truncated": raw[: len(raw) // 2], "empty": b""}[damage])
    forget()
    assert one_build(settings, NAMES) == expected
    assert cache.load(path, slugs.memo_key()) is not None  # made afresh and saved again


def test_an_unchanged_memo_is_not_written_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(tmp_path, sources=[], cache_folder="cache")
    forget()
    one_build(settings, NAMES)
    saved: list[Path] = []
    monkeypatch.setattr(cache, "save", lambda path, key, data: saved.append(path))
    forget()
    one_build(settings, list(reversed(NAMES)))
    assert saved == []
