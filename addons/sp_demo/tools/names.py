"""Name pools for synthetic Vietnamese people, by naming style of ethnic groups.

Kinh names follow the national order: family name, middle name, given name. Family names are
weighted by their observed frequency (Nguyễn ~38%, Trần ~11%, Lê ~9.5%...). Faker's ``vi_VN``
person provider gives a base of given and middle names; it is small (about 50 names) and puts
the family name last, so the pools below extend it and the order is ours. Minority styles use
the family names and patterns common in the regions where those groups live (Mông: Giàng, Sùng,
Vàng...; Khmer: Thạch, Sơn, Danh...; Ê-đê: ``Y``/``H'`` followed by the given and family name).

These are demo pools, not a reference of names.
"""
from bisect import bisect
from itertools import accumulate

from faker.providers.person.vi_VN import Provider as FakerVi


class Pick:
    """Weighted choice with a caller's random generator; ``Pick([(value, weight), ...])``."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs):
        pairs = [(v, w) for v, w in pairs if w > 0]
        self.values = [v for v, _w in pairs]
        self.cum = list(accumulate(w for _v, w in pairs))
        self.total = self.cum[-1]

    def __call__(self, rng):
        return self.values[bisect(self.cum, rng.random() * self.total)]


def _uniform(values):
    return Pick([(v, 1) for v in dict.fromkeys(values)])


KINH_FAMILY = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 71), ("Hoàng", 30), ("Huỳnh", 21),
    ("Phan", 45), ("Vũ", 22), ("Võ", 17), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 6), ("Trương", 6), ("Đào", 5), ("Lương", 4),
    ("Mai", 4), ("Tạ", 3), ("Trịnh", 4), ("Cao", 3), ("Lâm", 3), ("Hà", 4), ("Tô", 2),
    ("Châu", 2), ("Đoàn", 4), ("Vương", 2), ("Kiều", 2), ("Thái", 2), ("Quách", 1),
    ("Chu", 2), ("Lưu", 2), ("Tống", 1), ("Triệu", 1), ("La", 1), ("Văn", 1), ("Khổng", 1),
]
MALE_MIDDLE = [
    ("Văn", 300), ("Đức", 60), ("Minh", 70), ("Quang", 50), ("Hữu", 50), ("Công", 40),
    ("Xuân", 30), ("Thanh", 40), ("Ngọc", 25), ("Hoàng", 25), ("Anh", 25), ("Trọng", 20),
    ("Thế", 20), ("Duy", 20), ("Tiến", 15), ("Đình", 30), ("Mạnh", 15), ("Gia", 15),
    ("Bá", 10), ("Hải", 10), ("Tuấn", 10), ("Trí", 5), ("Việt", 10), ("Nhật", 8),
] + [(m, 5) for m in FakerVi.middle_names if m not in ("Thị",)]
MALE_MIDDLE = tuple(MALE_MIDDLE)
FEMALE_MIDDLE = (
    ("Thị", 600), ("Ngọc", 60), ("Thu", 40), ("Thanh", 40), ("Minh", 20), ("Hồng", 25),
    ("Kim", 25), ("Phương", 20), ("Mỹ", 20), ("Bảo", 15), ("Diệu", 10), ("Khánh", 15),
    ("Hoài", 10), ("Quỳnh", 10), ("Tuyết", 8), ("Bích", 10), ("Thúy", 10), ("Lan", 5),
)
MALE_GIVEN = tuple(FakerVi.first_names_male) + tuple(FakerVi.first_names_unisex) + (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Khoa", "Long",
    "Mạnh", "Minh", "Nam", "Phong", "Quân", "Sơn", "Tài", "Thắng", "Thịnh", "Toàn", "Trung",
    "Tuấn", "Việt", "Vinh", "Tùng", "Thành", "Đông", "Hòa", "Lộc", "Phát", "Tâm", "Thái",
    "Thuận", "Tiến", "Tín", "Trọng", "Vượng", "Khải", "Kiên", "Lâm", "Lực", "Nghĩa", "Nhân",
    "Phú", "Quý", "Sang", "Tân", "Thạch", "Thiện", "Thông", "Tú", "Tuệ", "Xuân", "Hậu",
    "Chiến", "Công", "Định", "Đức", "Giang", "Hào", "Hoan", "Kỳ", "Luân", "Ngọc", "Pháp",
)
FEMALE_GIVEN = tuple(FakerVi.first_names_female) + tuple(FakerVi.first_names_unisex) + (
    "Anh", "Dung", "Giang", "Hà", "Hằng", "Hiền", "Hoa", "Huyền", "Hương", "Lan", "Liên",
    "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Tâm",
    "Thảo", "Thu", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Xuân", "Hạnh", "Hòa", "Hồng",
    "Huệ", "Lệ", "Ly", "Lý", "Nguyệt", "Nhàn", "Nhi", "Phượng", "Quỳnh", "Sen", "Thắm",
    "Thơm", "Thúy", "Thư", "Trinh", "Uyên", "Vy", "Diệp", "Duyên", "Hậu", "Hiên", "Khuyên",
    "Lụa", "Mận", "Nụ", "Đào", "Cúc", "Chi", "Gấm",
)


class Style:
    """How people of one naming style are named; ``name(rng, gender, family)``."""

    def __init__(self, family, male_middle=MALE_MIDDLE, female_middle=FEMALE_MIDDLE,
                 male_given=MALE_GIVEN, female_given=FEMALE_GIVEN, pattern="kinh",
                 male_prefix=None, female_prefix=None):
        self.family = Pick(family) if isinstance(family[0], tuple) else _uniform(family)
        self.male_middle = Pick(male_middle) if isinstance(male_middle[0], tuple) \
            else _uniform(male_middle)
        self.female_middle = Pick(female_middle) if isinstance(female_middle[0], tuple) \
            else _uniform(female_middle)
        self.male_given = _uniform(male_given)
        self.female_given = _uniform(female_given)
        self.pattern = pattern
        self.male_prefix = male_prefix
        self.female_prefix = female_prefix

    def name(self, rng, gender, family):
        male = gender == "male"
        given = (self.male_given if male else self.female_given)(rng)
        if self.pattern == "prefix":
            # Ê-đê, Gia-rai, Mnông, Cơ-ho...: "Y Ngông Niê", "H' Hen Niê", "K' Brơi".
            prefix = (self.male_prefix if male else self.female_prefix)(rng)
            return " ".join(p for p in (prefix, given, family) if p)
        if self.pattern == "khmer":
            return "%s %s" % (family, given if male else "Thị " + given)
        middle = (self.male_middle if male else self.female_middle)(rng)
        return " ".join(p for p in (family, middle, given) if p)


_KINH = Style(KINH_FAMILY)
_HIGHLAND_MALE = ["Ngông", "Bih", "Blô", "Jơn", "Đhăm", "Kô", "Thút", "Brơi", "Điểu", "Hrin",
                  "Nuê", "Wang", "Siêng", "Sơn", "Tiếp", "Ninh", "Lang", "Bốt", "Ju", "Kuăn"]
_HIGHLAND_FEMALE = ["Hen", "Blang", "Nhung", "Bliêng", "Dim", "Thoan", "Mai", "Lan", "Hương",
                    "Dung", "Bông", "Hơn", "Mlô", "Jưn", "Yơn", "Phương", "Nga", "Đen", "Rin"]

STYLES = {
    "kinh": _KINH,
    "tay": Style(["Nông", "Hoàng", "Lương", "Ma", "Hà", "Lục", "Triệu", "Vi", "Lộc", "Mông",
                  "Chu", "Lăng", "Đàm", "Bế", "Nguyễn", "La", "Hứa", "Lành", "Hầu", "Ngôn"]),
    "thai": Style(["Lò", "Lường", "Quàng", "Cầm", "Vi", "Điêu", "Tòng", "Hoàng", "Lê", "Sầm",
                   "Lừ", "Mè", "Bạc", "Hà", "Lộc"],
                  male_given=MALE_GIVEN + ("Ẩm", "Pọm", "Ún", "Chăn", "Xôm", "Khăm", "Bun"),
                  female_given=FEMALE_GIVEN + ("Ẻ", "Ín", "Xuân", "Phỏng", "Ơn", "Piếng")),
    "muong": Style(["Bùi", "Đinh", "Quách", "Hà", "Xa", "Bạch", "Cao", "Nguyễn", "Trương"]),
    "mong": Style(["Giàng", "Sùng", "Vàng", "Lý", "Thào", "Hầu", "Mùa", "Lầu", "Vừ", "Ly", "Má",
                   "Chá", "Hạng", "Tráng"],
                  male_middle=[("A", 30), ("Mí", 20), ("Seo", 20), ("Văn", 20), ("", 10)],
                  female_middle=[("Thị", 60), ("Mỷ", 10), ("", 30)],
                  male_given=["Páo", "Chứ", "Sính", "Dế", "Pó", "Chử", "Súa", "Chá", "Lử", "Tủa",
                              "Nhà", "Sềnh", "Dình", "Tráng", "Chơ", "Của", "Vảng", "Mua", "Sáng"],
                  female_given=["Mỷ", "Súa", "Dua", "Chía", "Mai", "Dợ", "Pà", "Dính", "Say",
                                "Xúa", "Mẩy", "Chú", "Dở", "Sua", "Lan", "Mao", "Dế", "Ly"]),
    "dao": Style(["Triệu", "Bàn", "Đặng", "Lý", "Phùng", "Chảo", "Tẩn", "Lò", "Chìu", "Hoàng"],
                 male_middle=[("Văn", 50), ("Tòn", 15), ("Quẩy", 10), ("Kiềm", 10), ("Phúc", 10)],
                 female_middle=[("Thị", 80), ("Mùi", 10), ("", 10)],
                 male_given=["Tà", "Phù", "Chàn", "Vần", "Kiều", "Sinh", "Phấu", "Quyên", "Lở",
                             "Sơn", "Dùng", "Chiêu", "Tiến", "Lâm", "Nguyên"],
                 female_given=["Mẩy", "Nhất", "Liều", "Xiêm", "Mai", "Lai", "Chài", "Nái", "Dảo",
                               "Hương", "Lan", "Quế", "Sói"]),
    "khmer": Style(["Thạch", "Sơn", "Kim", "Danh", "Lâm", "Châu", "Huỳnh", "Trà", "Lý", "Triệu"],
                   pattern="khmer",
                   male_given=["Sóc Khanh", "Sa Rết", "Phol", "Sô Phal", "Chanh Đa", "Rênh",
                               "Sa Mết", "Thươl", "Sa Rươne", "Ly", "Sà Phon", "Pho", "Vọng",
                               "Đa Ra", "Sóc Thi", "Kim Sang", "Ra Vy"],
                   female_given=["Sa Ly", "Ri Ta", "Sa Vy", "Chanh Thu", "Pha Ly", "Sà Rên",
                                 "Sô Phi", "Mum", "Đa Ni", "Kim Sen", "Sóc Thia", "Ngọc Hà"]),
    "hoa": Style(["Lâm", "Trương", "Lý", "Hứa", "Quách", "Tăng", "Diệp", "Mạch", "Lưu", "Châu",
                  "Trần", "Hoàng", "Dương", "Tạ", "Vương"]),
    "cham": Style(["Đàng", "Quảng", "Thành", "Lưu", "Châu", "Dương", "Từ", "Thuận", "Bá", "Nại",
                   "Thiên", "Mohamad", "Sa"]),
    "central": Style(["Alăng", "Bhơriu", "Zơrâm", "Clâu", "Ating", "Pơloong", "Hốih", "Coor",
                      "Đinh", "Hồ", "Chamaléa", "Pinăng", "Katơr", "Mấu", "Kpă", "Hồ Văn",
                      "Đinh Văn", "Phạm", "A Rất"]),
    "highland": Style(["Niê", "Êban", "Byă", "Knul", "Mlô", "Ksor", "Rơ Chăm", "Siu", "Rah Lan",
                       "Nay", "Kpă", "Rơ Mah", "Adrơng", "Buôn Yă"], pattern="prefix",
                      male_given=_HIGHLAND_MALE, female_given=_HIGHLAND_FEMALE,
                      male_prefix=Pick([("Y", 70), ("A", 30)]),
                      female_prefix=Pick([("H'", 70), ("Y", 30)])),
    "koho": Style([("", 60), ("Liêng Hót", 5), ("Kơ Să", 5), ("Bon", 5), ("Ndu", 5), ("Cil", 5),
                   ("Điểu", 10), ("Lơ Mu", 5)],
                  pattern="prefix", male_given=_HIGHLAND_MALE, female_given=_HIGHLAND_FEMALE,
                  male_prefix=Pick([("K'", 70), ("Ha", 30)]),
                  female_prefix=Pick([("Ka", 70), ("Ma", 30)])),
}

# Naming style of each ethnic group (GSO code); groups not listed are named in the Kinh style.
ETHNIC_STYLE = {
    "02": "tay", "07": "tay", "25": "tay", "15": "tay", "18": "kinh",
    "03": "thai", "29": "thai", "33": "thai", "34": "thai", "37": "thai", "42": "thai",
    "06": "muong", "24": "muong",
    "08": "mong", "35": "mong", "40": "mong", "43": "mong", "46": "mong", "38": "mong",
    "09": "dao",
    "05": "khmer",
    "04": "hoa", "11": "hoa",
    "17": "cham",
    "26": "central", "27": "central", "30": "central", "31": "central", "19": "central",
    "21": "central", "23": "central",
    "10": "highland", "12": "highland", "13": "highland", "14": "highland", "20": "highland",
    "22": "highland",
    "16": "koho", "28": "koho", "36": "koho", "32": "koho",
}


def style_of(ethnicity_code):
    return STYLES[ETHNIC_STYLE.get(ethnicity_code, "kinh")]
