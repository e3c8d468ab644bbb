"""Terms, renewal and notice deadlines: which agreement versions govern a date.

Renewal is computed, never typed in: a term that renews ``renewal_years`` at a time keeps
running until written notice is given at least ``notice_months`` before a term ends.
Notices given are passed in as a mapping agreement id -> date (the web app keeps them).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from samverkan.rules.declarations import AgreementVersion, Term

Notices = Mapping[str, dt.date]


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notice_deadline(term: Term, term_end: dt.date) -> dt.date:
    """Last day written notice can be given to end the agreement at ``term_end``."""
    return add_months(term_end, -term.notice_months)


def term_ends(term: Term, until: dt.date) -> list[dt.date]:
    """Every term end from the first up to the first one on or after ``until``."""
    ends = [term.first_end]
    if term.renewal_years:
        while ends[-1] < until:
            ends.append(add_months(ends[-1], 12 * term.renewal_years))
    return ends


def final_end(term: Term, notice_given_on: dt.date | None) -> dt.date | None:
    """The day the agreement ends, or None while it keeps renewing."""
    if not term.renewal_years:
        return term.first_end
    if notice_given_on is None:
        return None
    for end in term_ends(term, notice_given_on):
        if notice_given_on <= notice_deadline(term, end):
            return end
    return add_months(term_ends(term, notice_given_on)[-1], 12 * term.renewal_years)


@dataclass(frozen=True)
class Status:
    agreement: str
    version: str
    in_force: bool
    valid_from: dt.date
    valid_to: dt.date | None  # None: renews until notice is given
    term_start: dt.date | None  # the current term, when in force
    term_end: dt.date | None
    next_notice_deadline: dt.date | None
    renews: bool
    ended: bool  # true when the date is after the agreement's end

    def as_dict(self) -> dict[str, object]:
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "id": self.agreement,
            "version": self.version,
            "in_force": self.in_force,
            "valid_from": iso(self.valid_from),
            "valid_to": iso(self.valid_to),
            "term_start": iso(self.term_start),
            "term_end": iso(self.term_end),
            "next_notice_deadline": iso(self.next_notice_deadline),
            "renews": self.renews,
            "ended": self.ended,
        }


def version_end(version: AgreementVersion, notices: Notices | None = None) -> dt.date | None:
    term_owner = version.follows or version.agreement
    end = final_end(version.term, (notices or {}).get(term_owner))
    if version.valid_to is not None:
        end = version.valid_to if end is None else min(end, version.valid_to)
    return end


def status(version: AgreementVersion, on: dt.date, notices: Notices | None = None) -> Status:
    term = version.term
    end = version_end(version, notices)
    in_force = version.starts <= on and (end is None or on <= end)
    term_start = term_end = deadline = None
    if in_force:
        term_start = term.start
        for term_end in term_ends(term, on):
            if on <= term_end:
                break
            term_start = term_end + dt.timedelta(days=1)
        if term.renewal_years and term_end is not None and (end is None or term_end < end):
            deadline = notice_deadline(term, term_end)
            if deadline < on:  # too late to end this term: the next one counts
                deadline = notice_deadline(term, add_months(term_end, 12 * term.renewal_years))
        if term_end is not None and end is not None:
            term_end = min(term_end, end)
    return Status(
        agreement=version.agreement,
        version=version.version,
        in_force=in_force,
        valid_from=version.starts,
        valid_to=end,
        term_start=term_start,
        term_end=term_end,
        next_notice_deadline=deadline,
        renews=bool(term.renewal_years) and end is None,
        ended=end is not None and on > end,
    )


def status_on(on: dt.date, notices: Notices | None = None) -> list[tuple[AgreementVersion, Status]]:
    """Every agreement version with its status on ``on``, in the agreements' fixed order.

    ``notices`` (agreement id -> the day written notice was given) default to the ones the
    web app records (``ruleset.use_notices``); pass ``{}`` for the declared terms alone."""
    from samverkan.rules.agreements import ALL_VERSIONS
    from samverkan.rules.ruleset import current_notices

    if notices is None:
        notices = current_notices()
    return [(version, status(version, on, notices)) for version in ALL_VERSIONS]
