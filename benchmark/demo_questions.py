"""Every rulebook question id and option value the demo generator relies on, in one place.

The rulebook is being rewritten (issue 10): when a question or option below is renamed, this
is the only file of the demo generator to change (its tests read these names too).
"""

from __future__ import annotations

__all__ = [
    "BRUSSELS_NONE",
    "BRUSSELS_OFFICES",
    "BRUSSELS_QUESTION",
    "DEPARTMENT",
    "EU_DIMENSION",
    "NETWORK_MEMBERSHIPS_QUESTION",
    "OFFICE_QUESTION",
    "TEAM_BANDS_UNDER_ONE_FTE",
    "TEAM_SIZE_QUESTION",
]

#: The dimension of EU engagement: its questions may be N/A outside the EU.
EU_DIMENSION = "eu"
#: The number question whose answer (full-time staff) is a city profile's ``team_size``.
TEAM_SIZE_QUESTION = "staff.team_size"
#: ... and its band below one full-time person.
#: the team-size bands of under one full-time person (rulebook 2 has two)
TEAM_BANDS_UNDER_ONE_FTE: tuple[str, ...] = ("under_half_fte", "half_to_1_fte")
#: The international office's form; a department needs at least one full-time person.
OFFICE_QUESTION = "institutions.office"
DEPARTMENT = "department"
#: Presence in Brussels: an office of its own or shared only with an EU link.
BRUSSELS_QUESTION = "eu.brussels_presence"
BRUSSELS_NONE = "none"
BRUSSELS_OFFICES: tuple[str, ...] = ("shared_office", "own_office")
#: Network memberships: nearly every city of a network's demo pool belongs to one.
NETWORK_MEMBERSHIPS_QUESTION = "networks.memberships"
