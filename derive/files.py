"""File names of documents, and writing files atomically: each file is complete or absent."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def file_name(name: str, fmt: str, lang: str) -> str:
    """<name>.md for English, <name>.zh.md for Chinese; JSON holds no prose: <name>.json."""
    return f"{name}.{fmt}" if fmt == "json" or lang == "en" else f"{name}.{lang}.{fmt}"


def write_files(files: dict[str, bytes], directory: str | Path) -> list[Path]:
    """Write each file into `directory` atomically (a complete file or none), readable as the umask says."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        target = folder / name
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's files are private; documents are not
        os.replace(temporary, target)
        written.append(target)
    return written


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
