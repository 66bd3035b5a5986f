"""Synthetic households and people, pure Python and seeded (no ORM, no database).

``PopulationBuilder(seed, communes, ...).chunk(index, count)`` returns ``count`` households of
chunk ``index``; a chunk depends only on the seed, its index and the identifiers already taken,
so the same seed gives the same data. Shares and rates below describe the registry population
of the MIS (poor, near-poor and social-assistance households and their neighbours), not the
whole country; they are demo assumptions, documented in README.md.
"""
import datetime
import itertools
import random
from dataclasses import dataclass, field

from .names import Pick, style_of

# Household size (1-8 people): mean about 3.9.
HOUSEHOLD_SIZE = Pick([(1, 8), (2, 14), (3, 19), (4, 25), (5, 16), (6, 10), (7, 5), (8, 3)])

# Regions of the 34 provinces (2025 codes) and their ethnic mix (GSO codes, weights).
REGIONS = {
    "north_mountain": ("04", "08", "11", "12", "14", "15", "19", "20", "25"),
    "red_river": ("01", "22", "24", "31", "33", "37"),
    "north_central": ("38", "40", "42", "44", "46"),
    "south_central": ("48", "51", "56"),
    "highlands": ("52", "66", "68"),
    "southeast": ("75", "79", "80"),
    "mekong": ("82", "86", "91", "92", "96"),
}
REGION_OF = {code: region for region, codes in REGIONS.items() for code in codes}
ETHNIC_MIX = {
    "04": [("02", 40), ("07", 30), ("08", 11), ("09", 10), ("01", 6), ("15", 3)],
    "08": [("01", 30), ("02", 22), ("08", 20), ("09", 13), ("07", 5), ("15", 4), ("25", 2),
           ("40", 1), ("43", 1), ("46", 1), ("38", 1)],
    "11": [("03", 38), ("08", 35), ("01", 19), ("29", 3), ("35", 2), ("43", 1), ("42", 2)],
    "12": [("08", 35), ("03", 32), ("01", 14), ("09", 13), ("35", 3), ("42", 2), ("41", 1)],
    "14": [("03", 54), ("01", 17), ("08", 16), ("06", 7), ("29", 3), ("33", 1), ("34", 2)],
    "15": [("01", 45), ("02", 15), ("08", 15), ("09", 12), ("03", 6), ("25", 2), ("07", 3),
           ("40", 1), ("35", 1)],
    "19": [("01", 65), ("02", 20), ("07", 5), ("09", 5), ("18", 2), ("08", 2), ("15", 1)],
    "20": [("07", 42), ("02", 35), ("01", 16), ("09", 4), ("04", 1), ("08", 1), ("15", 1)],
    "25": [("01", 75), ("06", 20), ("09", 2), ("02", 1), ("18", 1), ("03", 1)],
    "38": [("01", 85), ("06", 9), ("03", 6)],
    "40": [("01", 87), ("03", 10), ("29", 1.5), ("08", 1), ("24", 0.5)],
    "42": [("01", 99.5), ("37", 0.3), ("44", 0.2)],
    "44": [("01", 95), ("23", 4), ("31", 1)],
    "46": [("01", 97), ("31", 2), ("26", 1)],
    "48": [("01", 93), ("26", 3), ("14", 2), ("27", 1), ("30", 1)],
    "51": [("01", 75), ("19", 8), ("14", 8), ("13", 4), ("30", 2), ("10", 2), ("27", 1)],
    "52": [("01", 75), ("10", 14), ("13", 10), ("21", 1)],
    "56": [("01", 88), ("21", 6), ("17", 5), ("04", 1)],
    "66": [("01", 78), ("12", 14), ("07", 2), ("02", 2), ("20", 2), ("10", 1), ("08", 1)],
    "68": [("01", 82), ("16", 7), ("20", 3), ("28", 2), ("17", 2), ("36", 1), ("21", 1),
           ("07", 1), ("02", 1)],
    "75": [("01", 90), ("04", 3), ("22", 3), ("07", 1), ("05", 1), ("32", 1), ("02", 1)],
    "79": [("01", 93), ("04", 5), ("05", 1), ("17", 1)],
    "80": [("01", 99), ("05", 0.5), ("17", 0.3), ("04", 0.2)],
    "82": [("01", 99.5), ("05", 0.3), ("04", 0.2)],
    "86": [("01", 88), ("05", 11), ("04", 1)],
    "91": [("01", 90), ("05", 8), ("04", 1.5), ("17", 0.5)],
    "92": [("01", 82), ("05", 15), ("04", 3)],
    "96": [("01", 93), ("05", 5), ("04", 2)],
}
DEFAULT_MIX = [("01", 97), ("04", 1), ("06", 1), ("02", 1)]
# Shares of (poor, near-poor, middle) registry households by region; the rest is "none".
POVERTY_SHARES = {
    "north_mountain": (0.30, 0.20, 0.15),
    "highlands": (0.20, 0.17, 0.15),
    "north_central": (0.14, 0.14, 0.15),
    "south_central": (0.14, 0.14, 0.15),
    "mekong": (0.10, 0.14, 0.15),
    "red_river": (0.06, 0.10, 0.12),
    "southeast": (0.05, 0.09, 0.12),
}
DISABILITY_LEVEL = Pick([("mild", 55), ("severe", 33), ("particularly_severe", 12)])
MOBILE_PREFIXES = ("032", "033", "034", "035", "036", "037", "038", "039", "056", "058", "070",
                   "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "088",
                   "089", "090", "091", "093", "094", "096", "097", "098")
# Health insurance card: object code (free for the poor, supported for the near-poor...).
HI_CODES = {"poor": "HN", "near_poor": "CN", "child": "TE", "elderly": "BT", "other": "GD"}


@dataclass
class Commune:
    id: int
    code: str
    province_id: int
    province_code: str
    company_id: int
    urban: bool
    # Place-of-birth-registration codes (3 digits: the legacy provinces now in this province).
    birth_codes: Pick
    streets: list = field(default_factory=list)


def _randint(rng, low, high):
    """``rng.randint(low, high)`` with one call to ``random()``: several times faster."""
    return low + int(rng.random() * (high - low + 1))


def _sex(rng):
    return "male" if rng.random() < 0.5 else "female"


def _age_on(birthdate, day):
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


class PopulationBuilder:
    """Seeded households; see the module docstring."""

    def __init__(self, seed, communes, ethnicity_ids, streets, age_band_of, today,
                 ref_date=None, used_ids=(), all_birth_codes=()):
        self.seed = seed
        self.communes = communes
        self.ethnicity_ids = ethnicity_ids  # GSO code -> sp.ethnicity id (missing: Kinh)
        self.streets = streets
        self.age_band_of = age_band_of
        self.today = today
        self.ref = ref_date or datetime.date(today.year, 1, 1)
        self.used_ids = set(used_ids)
        self.other_birth_codes = sorted(all_birth_codes) or ["001"]
        self.mixes = {}
        self.review_years = (self.ref.year - 3, self.ref.year - 2, self.ref.year - 1)

    # ------------------------------------------------------------------ households
    def chunk(self, index, count):
        return list(itertools.islice(self.households(index), count))

    def households(self, index):
        """The households of chunk ``index``, one after the other (as many as asked)."""
        rng = random.Random("sp_demo:%s:%s" % (self.seed, index))
        while True:
            yield self._household(rng)

    def _household(self, rng):
        commune = self.communes[int(rng.random() * len(self.communes))]
        mix = self.mixes.get(commune.province_code)
        if mix is None:
            mix = self.mixes[commune.province_code] = Pick(
                ETHNIC_MIX.get(commune.province_code, DEFAULT_MIX))
        ethnicity = mix(rng)
        minority = ethnicity != "01"
        region = REGION_OF.get(commune.province_code, "red_river")
        members = self._compose(rng, HOUSEHOLD_SIZE(rng))
        poverty = self._poverty(rng, region, minority, len(members), members[0][2])
        style = style_of(ethnicity)
        # The children take the father's family name (the head's, or the spouse's).
        head_family = style.family(rng)
        spouse_family = style.family(rng)
        father_family = head_family if members[0][1] == "male" or len(members) < 2 \
            or members[1][0] != "spouse" else spouse_family
        people = []
        for rank, (relationship, gender, age) in enumerate(members):
            if relationship == "head":
                family = head_family
            elif relationship == "spouse":
                family = spouse_family
            elif relationship in ("child", "grandchild"):
                family = father_family
            elif relationship == "parent":
                family = head_family if gender == "male" else style.family(rng)
            else:
                family = style.family(rng) if rng.random() < 0.5 else head_family
            person_ethnicity = ethnicity
            if relationship == "spouse" and rng.random() < 0.1:
                person_ethnicity = mix(rng)
            people.append(self._person(rng, commune, rank, relationship, gender, age,
                                       style.name(rng, gender, family), person_ethnicity,
                                       minority, poverty, region))
        return {
            "area_id": commune.id,
            "commune_id": commune.id,
            "province_id": commune.province_id,
            "company_id": commune.company_id,
            "street": self._street(rng, commune),
            "poverty_status": poverty,
            "history": self._history(rng, poverty, commune),
            "members": people,
        }

    def _compose(self, rng, size):
        """[(relationship, gender, age)], the head first."""
        if size == 1:
            if rng.random() < 0.55:
                return [("head", "female" if rng.random() < 0.65 else "male", _randint(rng, 60, 95))]
            return [("head", "male" if rng.random() < 0.55 else "female", _randint(rng, 20, 59))]
        head_gender = "male" if rng.random() < 0.72 else "female"
        other = "female" if head_gender == "male" else "male"
        head_age = int(rng.triangular(22, 88, 44))
        members = [("head", head_gender, head_age)]
        left = size - 1
        mother_age = head_age
        if rng.random() < (0.9 if head_gender == "male" else 0.5):
            gap = _randint(rng, 0, 8)
            spouse_age = max(18, min(99, head_age - gap if head_gender == "male" else head_age + gap))
            members.append(("spouse", other, spouse_age))
            left -= 1
            mother_age = spouse_age if head_gender == "male" else head_age
        if left >= 2 and head_age <= 55 and rng.random() < 0.3:
            for gender in ("female", "male")[: 1 if left < 3 or rng.random() < 0.6 else 2]:
                members.append(("parent", gender, min(100, head_age + _randint(rng, 20, 34))))
                left -= 1
        if left >= 3 and head_age >= 52 and rng.random() < 0.5:
            # A married child living with the parents, with their own children.
            child_age = max(20, mother_age - _randint(rng, 20, 32))
            members.append(("child", _sex(rng), child_age))
            members.append(("other", _sex(rng),
                            max(18, child_age + _randint(rng, -4, 4))))
            left -= 2
            while left > 0:
                members.append(("grandchild", _sex(rng),
                                max(0, child_age - _randint(rng, 19, 35))))
                left -= 1
            return members
        while left > 0:
            oldest = mother_age - 18
            if oldest < 0:
                members.append(("sibling", _sex(rng),
                                max(10, head_age + _randint(rng, -8, 8))))
            else:
                members.append(("child", _sex(rng),
                                 max(0, mother_age - _randint(rng, 18, 42)) if oldest >= 24
                                 else _randint(rng, 0, oldest)))
            left -= 1
        return members

    def _poverty(self, rng, region, minority, size, head_age):
        poor, near, middle = POVERTY_SHARES[region]
        if minority:
            poor, near = min(0.6, poor * 2), min(0.25, near * 1.3)
        if size == 1 and head_age >= 60:
            poor *= 1.5
        draw = rng.random()
        if draw < poor:
            return "poor"
        if draw < poor + near:
            return "near_poor"
        if draw < poor + near + middle:
            return "middle"
        return "none"

    def _history(self, rng, status, commune):
        """Yearly review results (oldest first); the last one is the current status."""
        if status == "none" and rng.random() < 0.8:
            return []
        years = self.review_years[3 - _randint(rng, 1, 3):]
        statuses = []
        current = status
        for _year in years[:-1]:
            draw = rng.random()
            if current == "poor":
                statuses.append("poor" if draw < 0.85 else "near_poor")
            elif current == "near_poor":
                statuses.append("near_poor" if draw < 0.6 else "poor" if draw < 0.85 else "none")
            elif current == "middle":
                statuses.append("near_poor" if draw < 0.5 else "middle")
            else:
                statuses.append("near_poor" if draw < 0.6 else "poor")
        statuses.append(status)
        rows = []
        for year, year_status in zip(years, statuses, strict=True):
            number = _randint(rng, 1, 450)
            rows.append((year, year_status, "%s/QĐ-UBND" % number,
                         datetime.date(year, 12, _randint(rng, 10, 28))))
        return rows

    def _street(self, rng, commune):
        if commune.urban:
            return "Số %s %s" % (_randint(rng, 1, 250), self.streets[int(rng.random() * len(self.streets))])
        return "%s %s" % ("Thôn" if rng.random() < 0.7 else "Xóm", _randint(rng, 1, 18))

    # ------------------------------------------------------------------ people
    def _person(self, rng, commune, rank, relationship, gender, age, name, ethnicity, minority,
                poverty, region):
        ref = self.ref
        birthdate = datetime.date(ref.year - age - 1, 1, 1) + datetime.timedelta(
            days=_randint(rng, 0, 364))
        if _age_on(birthdate, ref) != age:
            birthdate = birthdate.replace(day=min(birthdate.day, 28))
        year_only_rate = 0.25 if age >= 70 else 0.06 if age >= 50 else 0.01
        precision = "day"
        if rng.random() < year_only_rate * (2 if minority else 1):
            birthdate, precision = datetime.date(birthdate.year, 1, 1), "year"
        year = birthdate.year
        has_id = rng.random() < (0.86 if age < 14 else 0.96) - (0.06 if minority else 0)
        id_number = self._id_number(rng, commune, gender, year) if has_id else None
        legacy = None
        if age >= 30 and rng.random() < 0.2:
            legacy = "%09d" % _randint(rng, 10000000, 399999999)
        phone = None
        if 16 <= age <= 75 and rng.random() < (0.8 if age < 60 else 0.45):
            phone = "%s%07d" % (MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))],
                                _randint(rng, 0, 9999999))
        disability, certificate = "none", None
        rate = 0.025 if age < 18 else 0.05 if age < 60 else 0.14 if age < 80 else 0.3
        if rng.random() < rate:
            disability = DISABILITY_LEVEL(rng)
            start = max(birthdate, datetime.date(2012, 1, 1))
            certificate = start + datetime.timedelta(
                days=_randint(rng, 0, max(0, (ref - start).days - 1)))
        pregnant = gender == "female" and 18 <= age <= 45 and rng.random() < (
            0.06 if relationship in ("head", "spouse", "other") else 0.01)
        in_school = 6 <= age <= 17 and rng.random() < (0.97 if age <= 14 else 0.8) or \
            18 <= age <= 22 and rng.random() < 0.3
        hi_rate = 0.97 if poverty == "poor" or age < 6 else 0.9 if poverty == "near_poor" else 0.86
        insurance = rng.random() < hi_rate
        hi_number = hi_expiry = None
        if insurance:
            kind = "child" if age < 6 else poverty if poverty in ("poor", "near_poor") \
                else "elderly" if age >= 80 else "other"
            hi_number = "%s%s%s%010d" % (HI_CODES[kind], _randint(rng, 1, 5),
                                         commune.province_code, _randint(rng, 0, 9999999999))
            hi_expiry = datetime.date(ref.year, 12, 31)
        return {
            "name": name,
            "relationship": relationship,
            "gender": gender,
            "birthdate": birthdate,
            "birthdate_precision": precision,
            "birth_year": year,
            "age_band": self.age_band_of(_age_on(birthdate, self.today)),
            "id_number": id_number,
            "legacy_id_number": legacy,
            "ethnicity_id": self.ethnicity_ids.get(ethnicity) or self.ethnicity_ids.get("01"),
            "phone": phone,
            "disability_level": disability,
            "disability_certificate_date": certificate,
            "is_pregnant": pregnant,
            "in_school": in_school,
            "has_health_insurance": insurance,
            "health_insurance_number": hi_number,
            "health_insurance_expiry": hi_expiry,
        }

    def _id_number(self, rng, commune, gender, year):
        """12 digits: place of birth registration, century and sex, year, 6 random digits."""
        if rng.random() < 0.08:
            place = self.other_birth_codes[int(rng.random() * len(self.other_birth_codes))]
        else:
            place = commune.birth_codes(rng)
        century = (year // 100 - 19) * 2 + (1 if gender == "female" else 0)
        prefix = "%s%d%02d" % (place, century, year % 100)
        suffix = _randint(rng, 0, 999999)
        number = "%s%06d" % (prefix, suffix)
        while number in self.used_ids:
            # Taken (by this run or by data already there): step without drawing, so that the
            # rest of the data stays the same whatever the database holds.
            suffix = (suffix + 104729) % 1000000
            number = "%s%06d" % (prefix, suffix)
        self.used_ids.add(number)
        return number
