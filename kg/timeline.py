"""Times placed on the calendar: one resolver for every relative time, against `dct:issued`.

Every time of a fact keeps its precision (`time:unitType` of its description: a day, a week, a
month or a year; a range when it has `time:hasBeginning` and `time:hasEnd`) and, where the
facts file says so, whether it is exact, approximate or relative (`kg:dateType`). A time the
text gives relative to its own date ("today", "earlier this week", "last month", "scheduled for
December") keeps its words in `kg:relativeTime`; `interval` (the one resolver: the build, the
queries and the drafter call it) turns those words into the days they cover, but only against
the source's publication date (`dct:issued`), never a guessed one. A week is an ISO 8601 week,
Monday to Sunday. A fiscal year is never resolved: its months differ from one government to
another.

The build writes what the resolver finds into graph:derived, where everything the model
derives lives, each triple reified with the fact whose time it is: `?time time:intervalEquals
?interval`, a `time:ProperInterval` whose `time:hasBeginning` and `time:hasEnd` instants carry
the first and the last day (`time:inXSDDate`); and, for a relative time that is one day, month
or year, its calendar value (`time:inXSDDate`, `time:inXSDgYearMonth`, `time:inXSDgYear`). The
date the fact happened (its `time:hasTime`) stays apart from the date it was reported (its
source's `dct:issued`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, TIME, XSD
from rdflib.term import Node

from kg.namespaces import DERIVED, KG

HAS_TIME = TIME.hasTime
DESCRIPTION = TIME.hasDateTimeDescription
MONTH = TIME.month
IN_DATE = TIME.inXSDDate
IN_YEAR_MONTH = TIME.inXSDgYearMonth
IN_YEAR = TIME.inXSDgYear
EQUALS = TIME.intervalEquals
BEGINNING = TIME.hasBeginning
END = TIME.hasEnd

# the precision of a time: OWL-Time's unit (on the description), or a range of two instants
UNITS: dict[str, URIRef] = {
    "day": TIME.unitDay,
    "week": TIME.unitWeek,
    "month": TIME.unitMonth,
    "year": TIME.unitYear,
}
RANGE = "range"

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DATES = {XSD.date, XSD.gYearMonth, XSD.gYear}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DAYS = {
    "day before yesterday": -2,
    "yesterday": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tomorrow": 1,
    "day after tomorrow": 2,
}
_STEPS = {"this": 0, "current": 0, "last": -1, "previous": -1, "next": 1, "coming": 1}
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUMBER = r"(\d{1,3}|" + "|".join(_NUMBERS) + ")"
_FISCAL = re.compile(r"\b(?:fiscal(?: year)?|fy) ?'?\d{2,4}\b|\bfiscal year\b")
_AGO = re.compile(rf"\b{_NUMBER} (day|week|month|year)s? (?:ago|earlier|before)\b")
_PERIOD = re.compile(
    r"\b(?:(earlier|later|early|late) )?(?:(this|current|last|previous|next|coming) )"
    r"(week|month|year)\b"
)
_WEEKDAY = re.compile(r"\b(?:(last|next|this|coming) )?(" + "|".join(_WEEKDAYS) + r")\b")
_MONTH = re.compile(r"\b(?:(last|next|this|coming) )?(" + "|".join(_MONTHS) + r")\b")
_LONGEST = 200  # characters: a relative time is a few words
_YEAR = re.compile(r"\b(1[5-9]\d\d|2\d\d\d)\b")


@dataclass(frozen=True)
class Interval:
    """The days a time covers, first and last included, and its precision."""

    begin: dt.date
    end: dt.date
    unit: str  # day, week, month, year or range

    def days(self) -> int:
        """Return how many days the interval covers."""
        return (self.end - self.begin).days + 1


def issued_parts(value: object) -> tuple[int, int | None, int | None] | None:
    """Return (year, month, day) of a publication date, as precise as it is, or None if it is
    no valid date (`2024-13-45`, year 0)."""
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(value).strip())
    if found is None or getattr(value, "datatype", None) not in (None, *_DATES):
        return None
    year, month, day = (int(v) if v else None for v in found.groups())
    assert year is not None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def calendar_interval(year: int, month: int | None = None, day: int | None = None) -> Interval:
    """Return the interval of a calendar year, month or day (ValueError if no such date)."""
    if month is None:
        return Interval(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return Interval(dt.date(year, month, 1), dt.date(year, month, last), "month")
    one = dt.date(year, month, day)
    return Interval(one, one, "day")


def _week(day: dt.date, step: int = 0) -> Interval:
    monday = day - dt.timedelta(days=day.weekday()) + dt.timedelta(weeks=step)
    return Interval(monday, monday + dt.timedelta(days=6), "week")


def _month(year: int, month: int, step: int = 0) -> Interval:
    y, m = divmod(year * 12 + month - 1 + step, 12)
    return calendar_interval(y, m + 1)


def _part(whole: Interval, day: dt.date, which: str | None) -> Interval:
    """The part of a week, month or year before ("earlier") or after ("later") a day in it."""
    if which in ("earlier", "early") and whole.begin <= day <= whole.end:
        return Interval(whole.begin, day, whole.unit)
    if which in ("later", "late") and whole.begin <= day <= whole.end:
        return Interval(day, whole.end, whole.unit)
    return whole


def interval(
    words: str, issued: object, month: int | None = None, status: Node | None = None
) -> Interval | None:
    """Return the days a relative time covers, resolved against a publication date, or None.

    `issued` is the source's `dct:issued` (YYYY, YYYY-MM or YYYY-MM-DD); an expression that
    needs a more precise date than the source gives is not resolved. `month` is the time's own
    `time:month` (for "December"), `status` its event's status: a month or weekday name points
    to the next such one for a planned event, the last one for a past event, and the one of the
    publication year (or week) otherwise. A fiscal year is not resolved.
    """
    if (month is not None and not 1 <= month <= 12) or len(words) > _LONGEST:
        return None  # no month; or no time expression but a sentence pasted whole
    try:
        return _interval(words, issued, month, status)
    except (ValueError, OverflowError):  # a day before year 1 or after 9999
        return None


def _interval(
    words: str, issued: object, month: int | None, status: Node | None
) -> Interval | None:
    date = issued_parts(issued)
    if date is None:
        return None
    year, issued_month, issued_day = date
    day = dt.date(year, issued_month, issued_day) if issued_month and issued_day else None
    text = " ".join(words.lower().replace("’", "'").split())
    if _FISCAL.search(text):
        return None  # the months of a fiscal year differ from one government to another
    explicit = _YEAR.search(text)
    named = month or next(
        (i + 1 for i, name in enumerate(_MONTHS) if re.search(rf"\b{name}\b", text)), None
    )
    if explicit is not None:  # "December 2027": not relative to the source's date at all
        return calendar_interval(int(explicit.group(1)), named)
    for phrase, offset in sorted(_DAYS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{phrase}\b", text):
            if day is None:
                return None
            one = day + dt.timedelta(days=offset)
            return Interval(one, one, "day")
    ago = _AGO.search(text)
    if ago is not None:
        count = _NUMBERS.get(ago.group(1)) or int(ago.group(1))
        return _ago(count, ago.group(2), year, issued_month, day)
    period = _PERIOD.search(text)
    if period is not None:
        which, step, unit = period.group(1), _STEPS[period.group(2)], period.group(3)
        if unit == "year":
            whole = calendar_interval(year + step)
        elif unit == "month" and issued_month is not None:
            whole = _month(year, issued_month, step)
        elif unit == "week" and day is not None:
            whole = _week(day, step)
        else:
            return None
        return _part(whole, day, which) if step == 0 and day is not None else whole
    weekday = _WEEKDAY.search(text)
    if weekday is not None:
        if day is None:
            return None
        one = _weekday(day, _WEEKDAYS.index(weekday.group(2)), weekday.group(1), status)
        return Interval(one, one, "day")
    if named is None or issued_month is None:
        return None
    which = _MONTH.search(text)
    word = which.group(1) if which is not None else None
    if word == "last" or (word is None and status == KG.Past and named > issued_month):
        target = year - 1 if named >= issued_month else year
    elif word in ("next", "coming") or (
        word is None and status == KG.Planned and named < issued_month
    ):
        target = year + 1 if named <= issued_month else year
    else:
        target = year
    return calendar_interval(target, named)


def _ago(
    count: int, unit: str, year: int, month: int | None, day: dt.date | None
) -> Interval | None:
    if unit == "year":
        return calendar_interval(year - count)
    if unit == "month":
        return _month(year, month, -count) if month is not None else None
    if day is None:
        return None
    if unit == "week":
        return _week(day - dt.timedelta(weeks=count))
    one = day - dt.timedelta(days=count)
    return Interval(one, one, "day")


def _weekday(day: dt.date, target: int, step: str | None, status: Node | None) -> dt.date:
    """The day of a weekday name: "last" before the day, "next" after it; a bare name the
    last one for a past event, the next one for a planned event, else the one of its week."""
    back = (day.weekday() - target) % 7
    ahead = (target - day.weekday()) % 7
    if step == "last":
        return day - dt.timedelta(days=back or 7)
    if step in ("next", "coming"):
        return day + dt.timedelta(days=ahead or 7)
    if status == KG.Past:
        return day - dt.timedelta(days=back)
    if status == KG.Planned:
        return day + dt.timedelta(days=ahead)
    return day + dt.timedelta(days=target - day.weekday())


def resolve(
    words: str, issued: Literal, month: int | None = None, status: Node | None = None
) -> tuple[URIRef, Literal] | None:
    """Return the OWL-Time property and calendar value of a relative time, or None.

    The value exists for a day, a month or a year (`interval` gives the days of every kind):
    a week, a part of a period ("earlier this week") or a range has no single XML Schema value.
    """
    found = interval(words, issued, month, status)
    if found is None:
        return None
    if found.unit == "day":
        return IN_DATE, Literal(found.begin.isoformat(), datatype=XSD.date)
    if found.unit == "month" and found == calendar_interval(found.begin.year, found.begin.month):
        return IN_YEAR_MONTH, Literal(found.begin.isoformat()[:7], datatype=XSD.gYearMonth)
    if found.unit == "year" and found == calendar_interval(found.begin.year):
        return IN_YEAR, Literal(f"{found.begin.year:04d}", datatype=XSD.gYear)
    return None


def _number(value: Node | None) -> int | None:
    """The number of a time:year / time:month / time:day value (`2012`, `--12`, `---05`)."""
    if not isinstance(value, Literal) or getattr(value, "ill_typed", False):
        return None
    digits = str(value).lstrip("-")
    return int(digits) if digits.isdigit() else None


def _instant(facts: Graph, node: Node | None, last: bool) -> dt.date | None:
    """The first (or `last`) day of an instant's calendar value (a range's end)."""
    if node is None:
        return None
    for prop in (IN_DATE, IN_YEAR_MONTH, IN_YEAR):
        value = _one(facts, node, prop)
        parts = issued_parts(value) if isinstance(value, Literal) else None
        if parts is not None:
            whole = calendar_interval(*parts)
            return whole.end if last else whole.begin
    return None


def time_interval(facts: Graph, when: Node, issued: object, status: Node | None) -> Interval | None:
    """Return the days a fact's time covers: a stated range, a calendar value the text gives,
    or a relative time resolved against `issued` (None: no publication date or not placed)."""
    begin = _instant(facts, _one(facts, when, BEGINNING), last=False)
    end = _instant(facts, _one(facts, when, END), last=True)
    if begin is not None and end is not None:
        return Interval(begin, end, RANGE) if begin <= end else None
    description = _one(facts, when, DESCRIPTION)
    year, month, day = (
        _number(_one(facts, description, p)) for p in (TIME.year, TIME.month, TIME.day)
    )
    week = _number(_one(facts, description, TIME.week))
    if year is not None:
        try:
            if week is not None and month is None:  # an ISO 8601 week of its year
                return _week(dt.date.fromisocalendar(year, week, 1))
            return calendar_interval(year, month, day if month is not None else None)
        except ValueError:  # no such date (year 0, month 13, week 54): kg check reports it
            return None
    words = _one(facts, when, KG.relativeTime)
    if words is None or issued is None:
        return None
    return interval(str(words), issued, month, status)


def _one(facts: Graph, subject: Node | None, prop: URIRef) -> Node | None:
    """The one value of a property, or None if there is none or several (which `kg check`
    reports): what is placed never depends on which of two values comes first."""
    if subject is None:
        return None
    values = list(facts.objects(subject, prop))
    return values[0] if len(values) == 1 else None


def _interval_node(when: Node, found: Interval) -> URIRef:
    """The derived interval's IRI, from the time and its days (a time shared by a past and a
    planned event may be placed twice, at two intervals, never one mixed)."""
    key = f"{when}\x1f{found.begin.isoformat()}\x1f{found.end.isoformat()}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return DERIVED[f"interval-{digest}"]


def resolved_times(facts: Graph) -> Iterator[tuple[Node, URIRef, Node, Node]]:
    """Yield (subject, property, value, fact) for each time a fact's time is placed at: its
    interval's first and last day, and a relative time's calendar value."""
    for fact, when in sorted(facts.subject_objects(HAS_TIME)):
        issued = _one(facts, _one(facts, fact, PROV.hadPrimarySource), DCTERMS.issued)
        issued = issued if isinstance(issued, Literal) else None
        status = _one(facts, fact, KG.status)
        found = time_interval(facts, when, issued, status)
        if found is not None:
            node = _interval_node(when, found)
            yield when, EQUALS, node, fact
            for prop, day in ((BEGINNING, found.begin), (END, found.end)):
                instant = URIRef(f"{node}-{'begin' if prop == BEGINNING else 'end'}")
                yield node, prop, instant, fact
                yield instant, IN_DATE, Literal(day.isoformat(), datatype=XSD.date), fact
        words = _one(facts, when, KG.relativeTime)
        if issued is None or words is None:
            continue
        month = _number(_one(facts, _one(facts, when, DESCRIPTION), MONTH))
        value = resolve(str(words), issued, month, status)
        if value is not None:
            yield when, value[0], value[1], fact
