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
