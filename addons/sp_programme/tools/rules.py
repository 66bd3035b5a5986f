"""The benefit rules as pure functions: no ORM, no database.

The per-record path (sp.enrolment._sp_entitlement) feeds these functions with records read
through the ORM; the set-based path (sp.entitlement._sp_compute_period) states the same rules in
SQL. Tests check both against the same tables of cases, and against each other.
"""
import calendar
import datetime
from dataclasses import dataclass, field

MONTH_AFTER = "month_after"
BIRTHDAY_MONTH = "birthday_month"


def _date(day):
    """A date (ISO strings accepted, as RPC and data files give them)."""
    return datetime.date.fromisoformat(day) if isinstance(day, str) else day


def month_start(day):
    return _date(day).replace(day=1)


def month_end(day):
    day = _date(day)
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day, months):
    """First day of the month ``months`` after the month of ``day`` (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def iter_months(start, stop):
    """First days of the months from ``start`` (included) to ``stop`` (excluded)."""
    month = month_start(start)
    while month < stop:
        yield month
        month = add_months(month, 1)


def age_in_month(birthdate, month, rule=MONTH_AFTER):
    """The age (in years) that counts for a benefit paid for ``month``.

    ``birthday_month``: a person counts as a year older from the month of their birthday (the
    law's rule for K5b at 75 and K5c at 80). ``month_after``: from the month after it (the usual
    reading for age bands). The day of birth does not matter, only the month.
    """
    if not birthdate:
        return None
    years = month.year - birthdate.year
    if rule == BIRTHDAY_MONTH:
        return years - (month.month < birthdate.month)
    return years - (month.month <= birthdate.month)


@dataclass(frozen=True)
class Band:
    category_id: int
    coefficient: float
    date_from: datetime.date
    date_to: datetime.date | None = None
    age_min: int = 0
    age_max: int = 0  # 0: no upper limit
    disability_level: str | None = None

    def matches(self, month, age, disability_level):
        if self.date_from > month or (self.date_to and self.date_to < month):
            return False
        if self.age_min and (age is None or age < self.age_min):
            return False
        if self.age_max and (age is None or age >= self.age_max):
            return False
        return not self.disability_level or self.disability_level == disability_level


def band_for(bands, month, age, disability_level):
    """The band of ``bands`` (one category) that applies, or None. Bands of one category do not
    overlap (a constraint refuses it); when they would, the highest coefficient wins."""
    found = [band for band in bands if band.matches(month, age, disability_level)]
    return max(found, key=lambda band: band.coefficient) if found else None


@dataclass(frozen=True)
class Level:
    amount: float
    date_from: datetime.date
    province_id: int | None = None  # None: national


def level_for(levels, month, province_id):
    """The standard level for ``month`` in a province: the higher of the latest national level
    and the latest level of that province in force that month (0 when none is in force)."""
    national = provincial = None
    for level in levels:
        if level.date_from > month:
            continue
        if level.province_id is None:
            if national is None or level.date_from > national.date_from:
                national = level
        elif level.province_id == province_id and (
                provincial is None or level.date_from > provincial.date_from):
            provincial = level
    return max(national.amount if national else 0.0, provincial.amount if provincial else 0.0)


def vnd(amount):
    """An amount in dong for messages: 1,250,000."""
    return f"{amount:,.0f}"


def amount_of(coefficient, quantity, level):
    """Coefficient x quantity x standard level, rounded to the dong (half away from zero, like
    PostgreSQL's ROUND on numeric)."""
    value = coefficient * quantity * level
    return float(int(value + 0.5)) if value >= 0 else -float(int(-value + 0.5))


@dataclass(frozen=True)
class Line:
    """One category of one enrolment, for one person and month, before the overlap rules."""
    enrolment_id: int
    category_id: int
    amount: float
    group: str | None = None  # exclusivity group; None: paid with anything
    sequence: int = 10
    coefficient: float = 0.0
    quantity: float = 1.0
    level: float = 0.0

    @property
    def rank_key(self):
        return (-self.amount, self.sequence, self.category_id, self.enrolment_id)


def resolve(lines, cumulative_pairs):
    """The lines actually paid for one person and month.

    Within an exclusivity group only the highest amount is paid, except that a category may be
    paid together with one category it is declared cumulative with (the K4 single parent who is
    also K5, K6 or K8): the payable package of a group is the best single line or the best pair
    of cumulative lines. Ties go to the lower category sequence, then the lower ids.

    ``cumulative_pairs``: set of frozenset({category_id, category_id}).
    """
    paid = [line for line in lines if not line.group]
    groups = {}
    for line in lines:
        if line.group:
            groups.setdefault(line.group, []).append(line)
    for group_lines in groups.values():
        ranked = sorted(group_lines, key=lambda line: line.rank_key)
        best = None
        for i, first in enumerate(ranked):
            candidates = [((first.amount, i, i), (first,))]
            for j in range(i + 1, len(ranked)):
                second = ranked[j]
                if frozenset((first.category_id, second.category_id)) in cumulative_pairs:
                    candidates.append(((first.amount + second.amount, i, j), (first, second)))
            for (total, r1, r2), package in candidates:
                key = (-total, r1, r2)
                if best is None or key < best[0]:
                    best = (key, package)
        paid.extend(best[1])
    return paid


@dataclass
class Outstanding:
    enrolment_id: int
    due: float
    settled: float
    arrears: float = field(default=0.0)

    @property
    def balance(self):
        return self.due - self.settled


def allocate_arrears(rows):
    """Arrears of one person for one past month, from what each enrolment was due and was given.

    An enrolment given more than it is now due (its benefit was superseded by a retroactive
    decision in another programme) offsets the arrears of the others, largest first; a net
    overpayment is not turned into negative arrears. Sets ``arrears`` on each row, returns rows.
    """
    offset = sum(-row.balance for row in rows if row.balance < 0)
    before = 0.0
    for row in sorted((r for r in rows if r.balance > 0), key=lambda r: (-r.balance, r.enrolment_id)):
        taken = max(0.0, offset - before)
        row.arrears = max(0.0, row.balance - taken)
        before += row.balance
    return rows
