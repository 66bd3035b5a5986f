"""Vietnam's administrative units read from the two PyPI packages the suite depends on.

- ``vietnam-provinces``: the 2025 two-tier scheme (34 provinces, 3,321 communes) with the codes of
  Decision 19/2025/QĐ-TTg as published by the General Statistics Office: the authority for codes,
  names and division types of the 2025 scheme.
- ``vietnamadminunits``: the legacy three-tier scheme (63 provinces, 696 districts, 10,035
  communes, General Statistics Office codes) and its old-to-new converter tables, which name units
  by keys (``tinhhagiang``, ``phuonghoankiem``), not by codes.

Nothing here touches the database: the functions return plain rows that the loader writes with
set-based SQL. The package files are read where pip installed them, so a package upgrade is picked
up by a reload without any copy in this repository.
"""

import importlib.util
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

DATE_2025 = "2025-07-01"
DATE_LEGACY_END = "2025-06-30"

LEGAL_SOURCE_PROVINCE = (
    "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về việc sắp xếp đơn vị hành chính "
    "cấp tỉnh"
)
LEGAL_SOURCE_COMMUNE = (
    "Nghị quyết năm 2025 của Ủy ban Thường vụ Quốc hội về việc sắp xếp các đơn vị hành chính "
    "cấp xã của %s"
)

# Districts that had no commune-level units: the 2025 special zone (đặc khu) took their place.
ISLAND_DISTRICTS = ("huyenbachlongvi", "huyenconco", "huyenhoangsa", "huyenlyson", "huyencondao")

# Two spellings of the same tone mark ("Hoà"/"Hòa", "Thuỷ"/"Thủy") occur between the packages.
_TONE_PLACEMENT = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}


def clean_name(name):
    """The name with its whitespace collapsed (some package names carry double spaces)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()


def name_key(name):
    """A comparison key for unit names: case, spaces, apostrophes, dashes and tone placement."""
    key = clean_name(name).lower().replace("\u2019", "'").replace("\u2013", "-")
    for old, new in _TONE_PLACEMENT.items():
        key = key.replace(old, new)
    return key


@dataclass
class AreaSources:
    """Rows ready to load: areas, successions, and what the two packages disagree on."""

    # (scheme, code, name, level, division_type, parent_code, date_start, date_end)
    areas: list = field(default_factory=list)
    # (old legacy code, new 2025 code, is_default, legal_source)
    successions: list = field(default_factory=list)
    # human-readable notes on units whose code differs between the packages
    disagreements: list = field(default_factory=list)
    # legacy keys or new keys that could not be matched (empty with the supported versions)
    unmatched: list = field(default_factory=list)


def _package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"Python package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def read_2025():
    """Provinces and communes of the 2025 scheme from ``vietnam-provinces``."""
    # Imported here, not at every server start: its code enum holds 3,355 members.
    from vietnam_provinces import Province, Ward  # noqa: PLC0415

    provinces = sorted(Province.iter_all(), key=lambda p: p.code)
    wards = sorted(Ward.iter_all(), key=lambda w: w.code)
    rows = [
        ("2025", f"{p.code:02d}", clean_name(p.name), "province", p.division_type.value, None,
         DATE_2025, None)
        for p in provinces
    ]
    rows += [
        ("2025", f"{w.code:05d}", clean_name(w.name), "commune", w.division_type.value,
         f"{w.province_code:02d}", DATE_2025, None)
        for w in wards
    ]
    return rows


def _read_vietnamadminunits():
    data_dir = _package_dir("vietnamadminunits") / "data"
    uri = f"{(data_dir / 'dataset.db').as_uri()}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as conn:
        legacy = conn.execute("""
            SELECT province, provinceCode, provinceKey, district, districtType, districtCode,
                   districtKey, ward, wardType, wardCode, COALESCE(wardKey, '')
              FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode
        """).fetchall()
        new = conn.execute("""
            SELECT province, provinceCode, provinceKey, ward, wardCode, wardKey FROM admin_units
        """).fetchall()
    with open(data_dir / "converter_2025.json", encoding="utf-8") as f:
        converter = json.load(f)
    return legacy, new, converter


def _legacy_rows(legacy):
    rows, seen = [], set()
    for (prov, prov_code, _pk, dist, dist_type, dist_code, _dk, ward, ward_type, ward_code,
         _wk) in legacy:
        if prov_code not in seen:
            seen.add(prov_code)
            city = prov.startswith("Thành phố")
            rows.append(("legacy", prov_code, clean_name(re.sub(r"^Tỉnh ", "", prov)), "province",
                         "thành phố trung ương" if city else "tỉnh", None, None, DATE_LEGACY_END))
        if dist_code not in seen:
            seen.add(dist_code)
            rows.append(("legacy", dist_code, clean_name(dist), "district", dist_type.lower(),
                         prov_code, None, DATE_LEGACY_END))
        if ward_code:
            rows.append(("legacy", ward_code, clean_name(ward), "commune", ward_type.lower(),
                         dist_code, None, DATE_LEGACY_END))
    return rows


def _match_new_units(new, areas_2025, sources):
    """Codes of ``vietnam-provinces`` for the (province key, ward key) of ``vietnamadminunits``.

    Matched by code when both packages give the same code to a unit of the same name in the same
    province; otherwise by name within the province, keeping the ``vietnam-provinces`` code.
    """
    by_code = {row[1]: row for row in areas_2025}
    by_name = {}
    for row in areas_2025:
        if row[3] == "commune":
            by_name.setdefault((row[5], name_key(row[2])), []).append(row[1])
    provinces, wards = {}, {}
    for prov, prov_code, prov_key, ward, ward_code, ward_key in new:
        if prov_key not in provinces:
            vp_prov = by_code.get(prov_code)
            if not vp_prov or name_key(vp_prov[2]) != name_key(re.sub(r"^Tỉnh ", "", prov)):
                sources.unmatched.append(f"2025 province {prov} ({prov_code})")
                continue
            provinces[prov_key] = prov_code
        vp_ward = by_code.get(ward_code)
        if vp_ward and vp_ward[5] == prov_code and name_key(vp_ward[2]) == name_key(ward):
            wards[prov_key, ward_key] = ward_code
            continue
        codes = by_name.get((prov_code, name_key(ward)), [])
        if len(codes) != 1:
            sources.unmatched.append(f"2025 commune {ward}, {prov} ({ward_code})")
            continue
        wards[prov_key, ward_key] = codes[0]
        sources.disagreements.append(
            f"{ward}, {prov}: vietnamadminunits {ward_code}, vietnam-provinces {codes[0]}"
        )
    return provinces, wards


def _successions(legacy, converter, provinces, wards, province_names, sources):
    old_province_to_new = {
        old: new for new, olds in converter["DICT_PROVINCE"].items() for old in olds
    }
    # old 'province_district_ward' key -> [(new province key, new ward key, is_default)]
    targets = {}
    for new_prov, new_wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in new_wards.items():
            for old in olds:
                targets.setdefault(old, []).append((new_prov, new_ward, True))
    for new_prov, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            for part in parts:
                targets.setdefault(old, []).append(
                    (new_prov, part["newWardKey"], bool(part["isDefaultNewWard"]))
                )

    rows, seen_provinces = {}, set()
    for (prov, prov_code, prov_key, dist, _dt, dist_code, dist_key, ward, _wt, ward_code,
         ward_key) in legacy:
        if prov_code not in seen_provinces:
            seen_provinces.add(prov_code)
            new_code = provinces.get(old_province_to_new.get(prov_key))
            if new_code:
                rows[prov_code, new_code] = (prov_code, new_code, True, LEGAL_SOURCE_PROVINCE)
            else:
                sources.unmatched.append(f"legacy province {prov} ({prov_code})")
        if not ward_code and dist_key not in ISLAND_DISTRICTS:
            continue
        old_code = ward_code or dist_code
        found = False
        for new_prov, new_ward, is_default in targets.get(f"{prov_key}_{dist_key}_{ward_key}", []):
            new_code = wards.get((new_prov, new_ward))
            if new_code:
                found = True
                legal = LEGAL_SOURCE_COMMUNE % province_names[provinces[new_prov]]
                key = (old_code, new_code)
                rows[key] = (old_code, new_code, is_default or rows.get(key, (0, 0, False))[2], legal)
        if not found:
            sources.unmatched.append(f"legacy unit {ward or dist}, {dist}, {prov} ({old_code})")
    return list(rows.values())


def read_sources():
    """Everything the loader needs, read from the installed packages."""
    sources = AreaSources()
    areas_2025 = read_2025()
    legacy, new, converter = _read_vietnamadminunits()
    provinces, wards = _match_new_units(new, areas_2025, sources)
    # "Thành phố Hà Nội" names itself; "Tuyên Quang" is "tỉnh Tuyên Quang" in a sentence.
    province_names = {
        row[1]: row[2] if row[4] != "tỉnh" else f"tỉnh {row[2]}"
        for row in areas_2025 if row[3] == "province"
    }
    sources.areas = areas_2025 + _legacy_rows(legacy)
    sources.successions = _successions(legacy, converter, provinces, wards, province_names,
                                       sources)
    return sources
