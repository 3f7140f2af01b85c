"""Privacy rules: who may be named, and how small a group may be before it is hidden."""

from __future__ import annotations

from benchmark.record import PoolRecord

__all__ = ["MIN_GROUP_SIZE", "anonymous_label", "display_name", "suppressed"]

#: No aggregate is shown over fewer cities than this.
MIN_GROUP_SIZE = 5


def anonymous_label(record: PoolRecord) -> str:
    """Describe a city without naming it: 'a city of 0.5–1M in Southern Europe'."""
    return f"a city of {record.profile.size_band} in {record.profile.region}"


def display_name(record: PoolRecord) -> str:
    """The name if the city consented to be named, else an anonymous label; demo is marked."""
    name = record.profile.name if record.consent_named else anonymous_label(record)
    return f"{name} (demo data)" if record.is_demo else name


def suppressed(count: int) -> bool:
    """True when a group of ``count`` cities is too small to show."""
    return count < MIN_GROUP_SIZE
