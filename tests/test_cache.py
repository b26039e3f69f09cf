"""generator/cache.py: a cache is trusted only under the key it was saved with, and never when damaged."""

from __future__ import annotations

from generator import cache


def test_saved_data_comes_back_under_its_key(tmp_path):
    path = tmp_path / "cache" / "rows.pickle"
    cache.save(path, "options-a", {"paper": [1, 2, 3]})
    assert cache.load(path, "options-a") == {"paper": [1, 2, 3]}


def test_another_key_missing_file_or_no_folder_give_nothing(tmp_path):
    path = tmp_path / "rows.pickle"
    cache.save(path, "options-a", [1])
    assert cache.load(path, "options-b") is None
    assert cache.load(tmp_path / "other.pickle", "options-a") is None
    assert cache.load(None, "options-a") is None
    cache.save(None, "options-a", [1])  # no folder: nothing kept, no error


def test_a_damaged_cache_is_thrown_away(tmp_path):
    path = tmp_path / "rows.pickle"
    cache.save(path, "k", list(range(1000)))
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    assert cache.load(path, "k") is None
    path.write_bytes(b"not a cache")
    assert cache.load(path, "k") is None
    path.write_bytes(b"")
    assert cache.load(path, "k") is None
