"""Write rendered pages into the docs folder: atomically, only what changed, never a hand-written file.

A manifest (`.papersite-manifest.json` in the docs folder; MkDocs skips dotfiles) records every file
the generator wrote and the hash of what it wrote. A file that exists but is not in the manifest
is hand-written: the generator refuses to replace it. Pages the generator wrote earlier and no
longer renders are removed, unless someone edited them since.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import progress
from .errors import WriteError
from .model import RenderedPage

MANIFEST_NAME = ".papersite-manifest.json"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{len(self.written)} written, {len(self.unchanged)} unchanged, {len(self.removed)} removed"
        if self.kept_edited:
            text += f", {len(self.kept_edited)} stale but edited by hand (kept)"
        return text


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_target(root: Path, relative: str) -> Path:
    """root/relative, refusing any path that would land outside root."""
    target = (root / relative).resolve()
    if relative.startswith(("/", "\\")) or not target.is_relative_to(root.resolve()):
        raise WriteError(f"refusing to write {relative!r}: it is outside {root}")
    return target


def write_pages(pages: Sequence[RenderedPage], docs_dir: Path) -> WriteReport:
    """Bring docs_dir in line with pages. Checks everything before the first write."""
    manifest = load_manifest(docs_dir)
    targets = _check_targets(pages, docs_dir, manifest)
    new_manifest = {page.path: digest(page.text) for page in pages}
    if new_manifest != manifest:
        # Claim the files first, so a run cut short leaves no generated file that looks hand-written.
        _save_manifest(docs_dir, {**manifest, **new_manifest})
    report = WriteReport()
    for page, target in progress.track(zip(pages, targets), "writing pages", len(pages)):
        if _file_digest(target) == new_manifest[page.path]:
            report.unchanged.append(page.path)
        else:
            atomic_write(target, page.text)
            report.written.append(page.path)
    _remove_stale(docs_dir, manifest, new_manifest, report)
    if new_manifest != manifest:
        _save_manifest(docs_dir, new_manifest)
    return report


def _save_manifest(docs_dir: Path, manifest: dict[str, str]) -> None:
    atomic_write(docs_dir / MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _check_targets(pages: Sequence[RenderedPage], docs_dir: Path, manifest: dict[str, str]) -> list[Path]:
    seen: dict[str, str] = {}
    targets = []
    for page in pages:
        target = safe_target(docs_dir, page.path)
        key = str(target).casefold()  # two pages that differ only in case are one file on macOS/Windows
        if key in seen:
            raise WriteError(f"two generated pages would be written to the same file: {seen[key]} and {page.path}")
        seen[key] = page.path
        if target.exists() and page.path not in manifest:
            raise WriteError(
                f"{target} is a hand-written file and papersite would overwrite it with a generated page; move or rename it"
            )
        targets.append(target)
    return targets


def _remove_stale(docs_dir: Path, old: dict[str, str], new: dict[str, str], report: WriteReport) -> None:
    for path, written_digest in sorted(old.items()):
        if path in new:
            continue
        target = safe_target(docs_dir, path)
        current = _file_digest(target)
        if current is None:
            continue
        if current == written_digest:
            target.unlink()
            report.removed.append(path)
        else:
            report.kept_edited.append(path)


def load_manifest(docs_dir: Path) -> dict[str, str]:
    path = docs_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise WriteError(f"{path}: cannot read the manifest of generated files ({err}); delete it to start over") from err
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise WriteError(f"{path}: not a papersite manifest; delete it to start over")
    return data


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def atomic_write(target: Path, content: str | bytes) -> None:
    """Write text (UTF-8) or bytes to target via a temporary file in the same folder and a rename.

    The file gets the permissions of an ordinary new file (0666 less the umask), not mkstemp's 0600.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read the umask is to set it
    os.umask(mask)
    return mask
