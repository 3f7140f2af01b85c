"""The peer service's arrays on disk, so that a restart need not parse every record again.

Parsing a stored record costs about 0.1 ms: at 100,000 cities a restart spent over 15 s
rebuilding arrays that fit in a few megabytes. After a refresh that read many records, the
service writes what it holds — ids, change times, :class:`~benchmark.features.PoolColumns`
and :class:`~benchmark.pool_facts.PoolFacts` — to one ``.npz`` file in the instance folder;
at start it reads that file back and lets its incremental refresh bring it up to date, as it
does for any change made by another process: ids gone are dropped, new ids and records stored
again since (by change time) are read. So a snapshot that is stale, or even from another
database, gives the same arrays as a full read, only slower to reach.

The file holds plain arrays (``allow_pickle=False``: loading it runs no code). It is keyed by
a format number, the rulebook's content hash and a hash of the database address without its
password; a file with another key, or one that cannot be read, is ignored and replaced.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zipfile import BadZipFile

import numpy as np
from numpy.typing import NDArray

from benchmark.features import PoolColumns
from benchmark.pool_facts import PoolFacts

__all__ = ["Snapshot", "read_snapshot", "snapshot_key", "write_snapshot"]

log = logging.getLogger(__name__)

#: Raised whenever the arrays' layout changes, so that an older file is ignored.
FORMAT = 1

_Arrays = TypeVar("_Arrays", PoolColumns, PoolFacts)


@dataclass(frozen=True)
class Snapshot:
    """What the peer service holds of the pool, row for row."""

    ids: NDArray[np.object_]
    #: each row's change time (naive UTC, as storage keeps it)
    stamps: NDArray[np.datetime64]
    columns: PoolColumns
    facts: PoolFacts


def snapshot_key(rulebook_hash: str, database_url: str) -> str:
    """The key a snapshot is valid for: format, rulebook and database (password left out)."""
    parts = urlsplit(database_url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    address = parts._replace(netloc=f"{user}{parts.hostname or ''}{port}").geturl()
    return hashlib.sha256(f"{FORMAT}\n{rulebook_hash}\n{address}".encode()).hexdigest()


def write_snapshot(path: Path, key: str, snapshot: Snapshot) -> None:
    """Write ``snapshot`` to ``path`` atomically (a reader sees the old file or the new)."""
    arrays: dict[str, Any] = {  # Any: numpy types savez(**kwds) as its bool keywords
        "key": np.array(key),
        "ids": _strings(snapshot.ids),
        "stamps": snapshot.stamps.astype("datetime64[us]"),
    }
    arrays |= _flatten("columns", snapshot.columns)
    arrays |= _flatten("facts", snapshot.facts)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_snapshot(path: Path, key: str) -> Snapshot | None:
    """The snapshot at ``path`` if it has ``key``; None when absent, stale or unreadable."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as file, np.load(file, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        if str(arrays["key"]) != key:
            return None
        return Snapshot(
            ids=_objects(arrays["ids"]),
            stamps=arrays["stamps"],
            columns=_rebuild(PoolColumns, "columns", arrays),
            facts=_rebuild(PoolFacts, "facts", arrays),
        )
    except (
        OSError,
        EOFError,
        ValueError,
        KeyError,
        TypeError,
        BadZipFile,
    ) as exc:  # torn, foreign
        log.warning("ignoring the peer pool snapshot %s: %s", path, exc)
        return None


def stamps_of(snapshot: Snapshot) -> dict[str, datetime]:
    """Each id's change time, as storage gives it."""
    times = snapshot.stamps.astype("datetime64[us]").astype(object)
    return dict(zip(snapshot.ids.tolist(), times.tolist(), strict=True))


def _flatten(prefix: str, arrays: PoolColumns | PoolFacts) -> dict[str, NDArray[Any]]:
    flat: dict[str, NDArray[Any]] = {}
    for field in dataclasses.fields(arrays):
        value = getattr(arrays, field.name)
        name = f"{prefix}.{field.name}"
        if value is None:
            continue  # absent from the file: rebuilt as None
        if isinstance(value, tuple):
            flat[f"{name}:tuple"] = np.array(value, dtype=str)
        elif value.dtype == object:
            flat[f"{name}:str"] = _strings(value)
        else:
            flat[name] = value
    return flat


def _rebuild(kind: type[_Arrays], prefix: str, arrays: dict[str, NDArray[Any]]) -> _Arrays:
    values: dict[str, Any] = {}
    for field in dataclasses.fields(kind):
        name = f"{prefix}.{field.name}"
        if f"{name}:tuple" in arrays:
            values[field.name] = tuple(arrays[f"{name}:tuple"].tolist())
        elif f"{name}:str" in arrays:
            values[field.name] = _objects(arrays[f"{name}:str"])
        elif name in arrays:
            values[field.name] = arrays[name]
        else:
            values[field.name] = None
    return kind(**values)


def _strings(values: NDArray[np.object_]) -> NDArray[np.str_]:
    return np.array(values.tolist(), dtype=str)


def _objects(values: NDArray[np.str_]) -> NDArray[np.object_]:
    """Back to Python strings, one object per distinct value (regions, bands: a handful)."""
    if not len(values):
        return np.empty(0, dtype=object)
    distinct, rows = np.unique(values, return_inverse=True)
    shared = np.array([sys.intern(str(v)) for v in distinct.tolist()], dtype=object)
    return shared[rows]
