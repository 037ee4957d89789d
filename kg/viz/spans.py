"""A fact's time as a span of days: OWL-Time read as the timeline draws it.

A fact's time is read as the graph gives it in OWL-Time (docs/model.md, rule 3): the values of
its `time:hasTime`'s description (`time:year`, `time:month`, `time:week`, `time:day`), a
calendar value resolved from a relative time (`time:inXSDDate`, `time:inXSDgYearMonth`,
`time:inXSDgYear`, written by `kg.timeline` into graph:derived), or an interval's
`time:hasBeginning` and `time:hasEnd`. The most precise of these is a span across the whole of
its unit: a year from 1 January to the next, a month across its month, a week across its ISO
week, a day across its day. Nothing else dates a fact: a month with no year, an unresolved
"earlier this week", no time at all. The projection (`Projector.span`) and the timeline view
read it; it reads the graph through the projector and imports neither.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import TIME
from rdflib.term import Node

if TYPE_CHECKING:
    from kg.viz.projection import Projector

# Precision of a span, narrowest first: the narrowest a fact's time gives is the one drawn.
PRECISIONS = ("day", "week", "month", "year", "range")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}
_STAMPS = (TIME.inXSDDateTimeStamp, TIME.inXSDDateTime)  # an instant: drawn as its day


@dataclass(frozen=True)
class Span:
    """A fact's time as a half-open interval of days, with the precision it was given at."""

    start: dt.date
    end: dt.date  # exclusive: a year is [1 January, 1 January of the next year)
    precision: str


def _year(value: Node | None) -> int | None:
    found = re.match(r"\s*(\d{4})(?!\d)", str(value)) if isinstance(value, Literal) else None
    return int(found.group(1)) if found else None


def _number(value: Node | None, pattern: str) -> int | None:
    found = re.fullmatch(pattern, str(value).strip()) if isinstance(value, Literal) else None
    return int(found.group(1)) if found else None


def _span(start: dt.date, unit: str) -> Span | None:
    """The span of the unit (day, week, month, year) that starts at `start`, None past 9999."""
    try:
        if unit == "day":
            end = start + dt.timedelta(days=1)
        elif unit == "week":
            end = start + dt.timedelta(days=7)
        elif unit == "month":
            end = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        else:
            end = dt.date(start.year + 1, 1, 1)
    except (ValueError, OverflowError):
        return None
    return Span(start, end, unit)


def _calendar(value: Node | None, prop: URIRef) -> Span | None:
    """The span of an `xsd:date`, `xsd:gYearMonth` or `xsd:gYear` value, if it is one."""
    if not isinstance(value, Literal):
        return None
    text = str(value).strip()
    try:
        if prop in (TIME.inXSDDate, *_STAMPS):
            found = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
            return _span(dt.date(*map(int, found.groups())), "day") if found else None
        if prop == TIME.inXSDgYearMonth:
            found = re.match(r"(\d{4})-(\d{2})(?!\d)", text)
            return _span(dt.date(int(found[1]), int(found[2]), 1), "month") if found else None
        year = _year(value)
        return _span(dt.date(year, 1, 1), "year") if year else None
    except ValueError:
        return None


def _one(p: Projector, node: Node, prop: URIRef) -> Node | None:
    """One value of a property (the least, so that the same graph gives the same answer)."""
    return min(p.objs(node, prop), key=str, default=None)


def _described(p: Projector, description: Node) -> Span | None:
    """The span a `time:DateTimeDescription` gives, only with a year (a month alone is no date)."""
    year = _year(_one(p, description, TIME.year))
    if not year:
        return None
    month = _number(_one(p, description, TIME.month), r"-{0,2}(\d{1,2})")
    day = _number(_one(p, description, TIME.day), r"-{0,3}(\d{1,2})")
    week = _number(_one(p, description, TIME.week), r"(\d{1,2})")
    try:
        if month and day:
            return _span(dt.date(year, month, day), "day")
        if week:
            return _span(dt.date.fromisocalendar(year, week, 1), "week")
        if month:
            return _span(dt.date(year, month, 1), "month")
        return _span(dt.date(year, 1, 1), "year")
    except ValueError:
        return None


def _instant(p: Projector, node: Node) -> Span | None:
    for prop in (TIME.inXSDDate, *_STAMPS, TIME.inXSDgYearMonth, TIME.inXSDgYear):
        for value in sorted(p.objs(node, prop), key=str):
            if (found := _calendar(value, prop)) is not None:
                return found
    for description in sorted(p.objs(node, TIME.inDateTime), key=str):
        if (found := _described(p, description)) is not None:
            return found
    return None


def span_of(p: Projector, time: Node) -> Span | None:
    """Return the most precise span a time node gives, or None if it gives no calendar date."""
    found: list[Span] = []
    for prop in (TIME.inXSDDate, *_STAMPS, TIME.inXSDgYearMonth, TIME.inXSDgYear):
        found += [s for v in p.objs(time, prop) if (s := _calendar(v, prop)) is not None]
    for description in p.objs(time, TIME.hasDateTimeDescription):
        if (s := _described(p, description)) is not None:
            found.append(s)
    begins = sorted(p.objs(time, TIME.hasBeginning), key=str)
    ends = sorted(p.objs(time, TIME.hasEnd), key=str)
    begin = next((s for b in begins if (s := _instant(p, b))), None)
    end = next((s for e in ends if (s := _instant(p, e))), None)
    if begin is not None and end is not None and begin.start < end.end:
        found.append(Span(begin.start, end.end, "range"))
    if not found:
        return None
    return min(found, key=lambda s: (_RANK[s.precision], s.start, s.end))
