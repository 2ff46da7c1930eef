"""Keras's file cache (``keras.utils.get_file``) without the download: rnnkit never uses the network.

Keras keeps downloaded files in ``$KERAS_HOME/<cache_subdir>`` (``~/.keras/datasets`` unless
``KERAS_HOME`` or ``cache_dir`` says otherwise). ``get_file`` returns the path of a file already
there, so code written for Keras finds the files a user copied in; a missing file is one
``FileNotFoundError`` that says which file to put where (and where Keras would have fetched it).
With ``extract=True`` an archive already in the cache is unpacked next to it, as Keras does,
refusing members that would land outside the extraction folder.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit


def keras_home() -> Path:
    """``$KERAS_HOME`` if set, else ``~/.keras`` (read at each call, so tests can point it elsewhere)."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()


def cached_path(fname: str, cache_subdir: str = "datasets", cache_dir: str | os.PathLike | None = None) -> Path:
    """Where Keras's cache keeps ``fname`` (the file need not exist)."""
    return (Path(cache_dir).expanduser() if cache_dir is not None else keras_home()) / cache_subdir / fname


def missing_file(path: Path, origin: str | None) -> FileNotFoundError:
    where = f" (Keras downloads it from {origin})" if origin else ""
    return FileNotFoundError(
        f"no network: rnnkit does not download files; put {path.name} at {path}{where}, or set "
        "KERAS_HOME to the folder whose datasets/ holds it"
    )


def _hash_algorithm(file_hash: str, algorithm: str) -> str:
    """Keras's ``"auto"``: a 64-digit hash is sha256, any other md5."""
    if algorithm == "auto":
        return "sha256" if len(file_hash) == 64 else "md5"
    if algorithm not in ("sha256", "md5"):
        raise ValueError(f"get_file: hash_algorithm must be 'auto', 'sha256' or 'md5'; got {algorithm!r}")
    return algorithm


def _hash_matches(path: Path, file_hash: str, algorithm: str) -> bool:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == file_hash


def _extract(archive: Path, folder: Path, archive_format: str) -> None:
    """Unpack a tar or zip ``archive`` (``archive_format`` "auto", "tar" or "zip") into ``folder``.

    Members that would land outside ``folder`` are refused.
    """
    if archive_format not in ("auto", "tar", "zip"):
        raise ValueError(f"get_file: archive_format must be 'auto', 'tar' or 'zip'; got {archive_format!r}")
    folder.mkdir(parents=True, exist_ok=True)
    if archive_format != "zip" and tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        return
    if archive_format != "tar" and zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            root = folder.resolve()
            for name in zipped.namelist():
                if not (root / name).resolve().is_relative_to(root):
                    raise ValueError(f"get_file: archive {archive} has a member outside its folder: {name!r}")
            zipped.extractall(folder)
        return
    raise ValueError(f"get_file: extract=True but {archive} is not a {'tar or zip' if archive_format == 'auto' else archive_format} archive")


def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str = "auto",
    cache_dir: str | os.PathLike | None = None,
    force_download: bool = False,
) -> str:
    """The cached path of ``fname`` (or of ``origin``'s file name); see the module docstring.

    With ``extract``/``untar`` the result is the folder the archive unpacks to (``NAME_extracted``
    for ``fname="NAME.tar.gz"``, Keras's naming). A ``file_hash`` that does not match is an error.
    """
    if force_download:
        raise ValueError("get_file: force_download=True needs the network, which rnnkit never uses")
    if not fname:
        fname = Path(urlsplit(origin or "").path).name
        if not fname:
            raise ValueError(f"get_file: give fname, or an origin URL that ends in a file name; got origin={origin!r}")
    elif os.sep in str(fname):
        raise ValueError(f"get_file: fname must be a file name; put its folder in cache_dir. Got fname={fname!r}")
    fname = str(fname)
    target = cached_path(fname, cache_subdir, cache_dir)
    unpacked = None
    if extract or untar:
        stem = fname[: fname.find(".")] if "." in fname else fname
        unpacked = target.with_name(f"{stem}_extracted" if "." in fname else stem)
        if "." not in fname:
            target = target.with_name(f"{fname}_archive")
        if unpacked.is_dir():
            return str(unpacked)
    if not target.is_file():
        raise missing_file(target, origin)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if file_hash is not None:
        hash_algorithm = _hash_algorithm(file_hash, hash_algorithm)
    if file_hash is not None and not _hash_matches(target, file_hash, hash_algorithm):
        raise ValueError(f"get_file: {target} does not match the expected {hash_algorithm} hash {file_hash}: the file is incomplete or another version")
    if unpacked is not None:
        _extract(target, unpacked, archive_format)
        return str(unpacked)
    return str(target)
