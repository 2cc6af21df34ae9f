"""File names of documents, and writing a run's files all or nothing.

A run's files are written into a hidden staging folder beside their targets, then moved in one after
another (renames within one folder: a reader sees the old file or the new one, never half of one). If
anything fails, the files already moved in are put back as they were and the staging folder is
removed, on every way out (an error, Ctrl-C, SIGTERM: derive.cli turns the signals into exceptions).
A run killed outright (SIGKILL) leaves its staging folder, named with its process id; the next run
into that folder removes it. Errors of the file system become one-line UsageErrors naming the path.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError

STAGE = ".derive-stage-"  # + process id + "-" + random: a run's staging folder


def file_name(name: str, fmt: str, lang: str) -> str:
    """<name>.md for English, <name>.zh.md for Chinese; JSON holds no prose: <name>.json."""
    return f"{name}.{fmt}" if fmt == "json" or lang == "en" else f"{name}.{lang}.{fmt}"


def write_files(files: dict[str, bytes | Iterable[bytes]], directory: str | Path) -> list[Path]:
    """Write every file into `directory`, all or none, readable as the umask says. A file's content is
    its bytes, or an iterable of chunks written as they come (a document too big to hold twice)."""
    folder = Path(directory)
    created = _make_folder(folder)
    try:
        remove_stale(folder, STAGE)
        stage = Path(_io(folder, tempfile.mkdtemp, None, f"{STAGE}{os.getpid()}-", folder))
    except BaseException:
        _remove_created(created)
        raise
    inner: list[Path] = []  # folders inside `folder` that names with a / need and this run made
    try:
        for name, data in files.items():
            _io(folder / name, _inside, folder, name)
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            _io(folder / name, _write, stage / name, data)
        written = _move_in(stage, folder, list(files), inner)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _remove_created(sorted(inner, key=lambda p: len(p.parts), reverse=True))
        _remove_created(created)  # empty now that the staging folder is gone
        raise
    shutil.rmtree(stage, ignore_errors=True)  # what is left of it: the old files' copies
    return written


def _write(path: Path, data: bytes | Iterable[bytes]) -> None:
    with open(path, "wb") as out:
        if isinstance(data, bytes):
            out.write(data)
        else:
            for chunk in data:
                out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, 0o666 & ~_umask())


def _inside(folder: Path, name: str) -> None:
    """A file name may hold folders (prairielearn/full-step/info.json), never leave `folder`."""
    parts = Path(name).parts
    if Path(name).is_absolute() or not parts or any(part in ("..", ".") for part in parts):
        raise UsageError(f"{folder / name}: expected a file name inside {folder}")


def _move_in(stage: Path, folder: Path, names: list[str], inner: list[Path]) -> list[Path]:
    """Rename each staged file over its target, keeping the old file until every rename succeeded;
    folders the names need are made (and recorded in `inner`)."""
    old = stage / ".old"
    old.mkdir()
    moved: list[str] = []
    try:
        for name in names:
            target = folder / name
            if target.parent != folder:
                inner += _io(target.parent, _made, target.parent)
                (old / name).parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.exists():
                if not target.is_file() or target.is_symlink():
                    raise UsageError(f"{target}: expected a regular file to replace (it is a folder, a link or "
                                     "a device); move it away first")
                _io(target, _keep, target, old / name)
            _io(target, os.replace, stage / name, target)
            moved.append(name)
    except BaseException:
        for name in moved:  # put back what was there
            kept = old / name
            if kept.exists():
                os.replace(kept, folder / name)
            else:
                (folder / name).unlink(missing_ok=True)
        raise
    return [folder / name for name in names]


def _keep(target: Path, copy: Path) -> None:
    """A copy of the file about to be replaced (a hard link where the file system has them)."""
    try:
        os.link(target, copy)
    except OSError:
        shutil.copy2(target, copy)


def _make_folder(folder: Path) -> list[Path]:
    """Create `folder` and any missing parents; return those created (removed again if the run fails)."""
    return _io(folder, _made, folder)


def _made(folder: Path) -> list[Path]:
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    if folder.is_symlink() and not folder.exists():
        raise UsageError(f"{folder}: expected a folder for the output, got a link to nothing")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: expected a folder for the output, got a file")
    os.makedirs(folder, exist_ok=True)
    return sorted(missing, key=lambda p: len(p.parts), reverse=True)


def _remove_created(created: list[Path]) -> None:
    for path in created:  # deepest first; only folders this run made, only when empty
        try:
            path.rmdir()
        except OSError:
            return


def remove_stale(parent: Path, prefix: str) -> None:
    """Remove the folders `<prefix><pid>-*` in `parent` left by runs that no longer exist."""
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False):
            pid = entry.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


def _io(path: Path, action, *args, **kwargs):
    """action(*args, **kwargs); an OSError becomes one line naming `path` and the cause."""
    try:
        return action(*args, **kwargs)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc.__class__.__name__}") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_text(path: str | Path, what: str, limit: int) -> str:
    """A UTF-8 text file of at most `limit` bytes (a byte-order mark dropped; read no further than
    that, so /dev/zero is refused), or a one-line UsageError naming it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise UsageError(f"{path}: expected {what} of at most {limit:,} bytes")
        return data.decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: expected {what} ({exc.strerror or exc.__class__.__name__})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: expected {what} in UTF-8") from None
