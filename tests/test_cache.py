"""generator/cache.py: a cache is trusted only under the key it was saved with, and never when damaged."""

from __future__ import annotations

import os

import numpy as np

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


def test_kept_in_memory_hands_back_what_the_file_holds(tmp_path, monkeypatch):
    """A server keeps each cache's data in memory while the file is as this process left it; a file
    written by anyone else since (another build, a damaged file) is read again, a missing one gives nothing."""
    path = tmp_path / "rows.pickle"
    with cache.kept_in_memory():
        cache.save(path, "k", {"rows": [1, 2]})
        first = cache.load(path, "k")
        assert first == {"rows": [1, 2]} and cache.load(path, "k") is first  # not read and unpickled again
        assert cache.load(path, "other") is None
        reads = []
        read_bytes = type(path).open
        monkeypatch.setattr(type(path), "open", lambda self, *a, **k: reads.append(self) or read_bytes(self, *a, **k))
        assert cache.load(path, "k") == {"rows": [1, 2]} and reads == []
        monkeypatch.undo()

        with cache.kept_in_memory():  # nested: the same memory
            assert cache.load(path, "k") is first
        other = tmp_path / "other-process" / "rows.pickle"
        cache.save(other, "k", {"rows": [3]})  # what another process wrote, put in place
        other.replace(path)
        assert cache.load(path, "k") == {"rows": [3]}

        data = bytearray(path.read_bytes())
        data[-3] ^= 0xFF
        data.append(0)  # another size: damaged after this process read it
        path.write_bytes(bytes(data))
        assert cache.load(path, "k") is None
        path.unlink()
        assert cache.load(path, "k") is None
    cache.save(path, "k", [4])
    assert cache.load(path, "k") == [4]
    assert cache._memory is None  # nothing kept outside the block


def _rows(n: int) -> dict[bytes, tuple[str, int]]:
    return {f"paper-{i}".encode(): (f"title {i}", i) for i in range(n)}


def test_saved_rows_come_back_and_only_the_shards_of_changed_rows_are_rewritten(tmp_path):
    path = tmp_path / "cache" / "rows"
    first = cache.SavedRows(path, "k")
    assert first.previous is None
    first.save(_rows(500))
    assert sorted(p.name for p in path.parent.iterdir()) == [f"rows-{n:02d}" for n in range(cache.SHARDS)]
    again = cache.SavedRows(path, "k")
    assert again.previous == _rows(500)
    stats = {p: p.stat().st_mtime_ns for p in path.parent.iterdir()}
    for p in stats:  # an older time, so that a rewrite shows whatever the clock's resolution
        os.utime(p, ns=(1, 1))
    changed = {**_rows(500), b"paper-7": ("a new title", 7), b"paper-new": ("added", 500)}
    del changed[b"paper-9"]
    again.save(changed)
    rewritten = {p.name for p in path.parent.iterdir() if p.stat().st_mtime_ns != 1}
    shards = {cache.shard_of(key) for key in (b"paper-7", b"paper-new", b"paper-9")}
    assert rewritten == {f"rows-{n:02d}" for n in shards}
    assert cache.SavedRows(path, "k").previous == changed
    assert cache.SavedRows(path, "other").previous is None
    cache.SavedRows(None, "k").save(changed)  # no folder: nothing kept, no error
    assert cache.SavedRows(None, "k").previous is None


def test_saved_rows_with_a_damaged_missing_or_foreign_shard_are_all_thrown_away(tmp_path):
    path = tmp_path / "rows"
    cache.SavedRows(path, "k").save(_rows(200))
    shard = path.with_name("rows-05")
    data = bytearray(shard.read_bytes())
    data[-4] ^= 0xFF
    shard.write_bytes(bytes(data))
    assert cache.SavedRows(path, "k").previous is None
    damaged = cache.SavedRows(path, "k")
    damaged.save(_rows(200))  # nothing trusted: every shard written again
    assert cache.SavedRows(path, "k").previous == _rows(200)
    cache.save(shard, "other key", {})
    assert cache.SavedRows(path, "k").previous is None
    cache.SavedRows(path, "k").save(_rows(200))
    path.with_name("rows-31").unlink()
    assert cache.SavedRows(path, "k").previous is None


def test_saved_rows_whose_values_cannot_be_compared_are_rewritten(tmp_path):
    path = tmp_path / "rows"
    rows = {b"a": np.arange(3), b"b": np.arange(4)}
    saved = cache.SavedRows(path, "k")
    saved.save(rows)
    again = cache.SavedRows(path, "k")
    again.save({b"a": np.arange(3) + 1, b"b": np.arange(4)})
    loaded = cache.SavedRows(path, "k").previous
    assert loaded is not None and list(loaded[b"a"]) == [1, 2, 3] and list(loaded[b"b"]) == [0, 1, 2, 3]


def test_saved_rows_kept_in_memory_are_not_read_again(tmp_path, monkeypatch):
    path = tmp_path / "rows"
    with cache.kept_in_memory():
        cache.SavedRows(path, "k").save(_rows(100))
        reads = []
        read_bytes = type(path).open
        monkeypatch.setattr(type(path), "open", lambda self, *a, **k: reads.append(self) or read_bytes(self, *a, **k))
        assert cache.SavedRows(path, "k").previous == _rows(100) and reads == []


def test_saved_rows_saved_twice_keep_the_second_rows(tmp_path):
    """A save compares with what was loaded or last saved: rows put back as they were loaded after a
    first save changed them are saved again."""
    path = tmp_path / "rows"
    cache.SavedRows(path, "k").save(_rows(100))
    saved = cache.SavedRows(path, "k")
    loaded = saved.previous
    saved.save({**loaded, b"paper-3": ("changed", 3)})
    saved.save(loaded)
    assert cache.SavedRows(path, "k").previous == _rows(100)
    equal = {key: (title, number) for key, (title, number) in _rows(100).items()}  # equal rows, other objects
    assert all(equal[key] is not row for key, row in saved.previous.items())
    for shard in path.parent.iterdir():
        os.utime(shard, ns=(1, 1))
    cache.SavedRows(path, "k").save(equal)
    assert all(shard.stat().st_mtime_ns == 1 for shard in path.parent.iterdir())


def test_cache_files_of_earlier_versions_are_removed_and_no_other_file(tmp_path):
    retired, *_ = cache.RETIRED
    *_, hand_named = cache.RETIRED
    cache.save(tmp_path / retired, "old-key", {"rows": 1})
    (tmp_path / hand_named).write_text("notes kept by hand under a cache's old name\n", encoding="utf-8")
    cache.save(tmp_path / "reasons-00", "key", {"rows": 2})  # a current cache
    assert cache.remove_retired(tmp_path) == [tmp_path / retired]
    assert not (tmp_path / retired).exists()
    assert (tmp_path / hand_named).read_text(encoding="utf-8").startswith("notes")
    assert cache.load(tmp_path / "reasons-00", "key") == {"rows": 2}
    assert cache.remove_retired(tmp_path / "no-such-folder") == []


def test_a_build_removes_the_cache_files_of_earlier_versions(tmp_path):
    from test_uptodate import build, small_project

    root = small_project(tmp_path / "project", papers=20)
    folder = root / ".papersite" / "cache"
    folder.mkdir(parents=True)
    for name in cache.RETIRED:
        cache.save(folder / name, "an earlier version's key", list(range(100)))
    build(root)
    assert not any((folder / name).exists() for name in cache.RETIRED)
    assert any(folder.iterdir())  # this build's own caches are there
