"""Words the demo generator draws from: Vietnamese names, Bắc Bình's villages, courses and sessions."""

# Family names, weighted roughly as in southern Central Vietnam (Nguyễn is by far the most common).
FAMILY_NAMES: dict[str, int] = {
    "Nguyễn": 30,
    "Trần": 11,
    "Lê": 9,
    "Phạm": 6,
    "Huỳnh": 6,
    "Hoàng": 3,
    "Phan": 5,
    "Võ": 6,
    "Đặng": 3,
    "Bùi": 3,
    "Đỗ": 3,
    "Hồ": 4,
    "Ngô": 3,
    "Dương": 2,
    "Lý": 2,
}
# Raglai family names, common in the mountain communes of Phan Sơn and Phan Lâm.
MINORITY_FAMILY_NAMES: dict[str, int] = {"Bố": 3, "Mang": 3}

MIDDLE_NAMES = {
    "nam": {"Văn": 10, "Minh": 3, "Đức": 3, "Hữu": 3, "Quốc": 2, "Thanh": 2, "Công": 2, "Ngọc": 1, "Tấn": 2},
    "nữ": {"Thị": 12, "Ngọc": 3, "Thanh": 2, "Minh": 2, "Thu": 2, "Kim": 2, "Bích": 1, "Mỹ": 1},
}
# Younger people get more varied middle names.
YOUNG_MIDDLE_NAMES = {
    "nam": {"Minh": 4, "Gia": 3, "Đức": 2, "Quốc": 2, "Hoàng": 2, "Văn": 2, "Anh": 2, "Bảo": 2},
    "nữ": {"Ngọc": 3, "Thị": 3, "Bảo": 2, "Khánh": 2, "Thảo": 2, "Minh": 2, "Gia": 2, "Phương": 2},
}
GIVEN_NAMES = {
    "nam": (
        "An Bình Cường Dũng Hải Hùng Khánh Nam Phúc Quân Sơn Tâm Tuấn Thành Long Hiếu Ơn Tài Lộc Đạt Trung Vinh "
        "Thắng Nghĩa Huy Khoa"
    ).split(),
    "nữ": (
        "Hà Hạnh Hương Lan Linh Mai Thảo Trang Vy Ánh Ngân Yến Nhung Hoa Tâm An Khánh Loan Phượng Dung Thủy Oanh "
        "Hằng Nga Uyên Diễm"
    ).split(),
}

# Villages (thôn) of each commune and neighbourhoods (khu phố) of the two towns: (code suffix, name).
VILLAGES: dict[str, list[tuple[str, str]]] = {
    "BB-CHOLAU": [
        ("KP1", "Khu phố Lương Bắc"),
        ("KP2", "Khu phố Lương Trung"),
        ("KP3", "Khu phố Lương Nam"),
        ("KP4", "Khu phố Xuân An"),
    ],
    "BB-LUONGSON": [("KP1", "Khu phố 1"), ("KP2", "Khu phố 2"), ("KP3", "Khu phố 3"), ("KP4", "Khu phố 4")],
    "BB-BINHAN": [("T1", "Thôn An Hòa"), ("T2", "Thôn An Phước"), ("T3", "Thôn An Bình")],
    "BB-BINHTAN": [("T1", "Thôn 1"), ("T2", "Thôn 2"), ("T3", "Thôn 3")],
    "BB-HAININH": [("T1", "Thôn Hải Thủy"), ("T2", "Thôn Hải Xuân"), ("T3", "Thôn Hòa Thuận"), ("T4", "Thôn Cây Táo")],
    "BB-HOATHANG": [
        ("T1", "Thôn Hồng Thắng"),
        ("T2", "Thôn Hồng Lâm"),
        ("T3", "Thôn Hồng Trung"),
        ("T4", "Thôn Hồng Thanh"),
    ],
    "BB-HONGPHONG": [("T1", "Thôn Ung Sơn"), ("T2", "Thôn Đông Sơn"), ("T3", "Thôn Hồng Phong")],
    "BB-HONGTHAI": [("T1", "Thôn Tiến Thành"), ("T2", "Thôn Tiến Lợi"), ("T3", "Thôn Tiến Hưng")],
    "BB-PHANDIEN": [("T1", "Thôn Lâm Hòa"), ("T2", "Thôn Tân Điền"), ("T3", "Thôn Lâm Thuận")],
    "BB-PHANHIEP": [("T1", "Thôn Bình Minh"), ("T2", "Thôn Bình Thạnh"), ("T3", "Thôn Bình Hiệp")],
    "BB-PHANHOA": [("T1", "Thôn Bình Hiếu"), ("T2", "Thôn Bình Thắng"), ("T3", "Thôn Bình Đức")],
    "BB-PHANLAM": [("T1", "Thôn Bình Lâm"), ("T2", "Thôn Trà Tân"), ("T3", "Thôn Đá Trắng")],
    "BB-PHANRITHANH": [
        ("T1", "Thôn Bình Nhơn"),
        ("T2", "Thôn Xuân Hội"),
        ("T3", "Thôn Xuân Quang"),
        ("T4", "Thôn Bình Liêm"),
    ],
    "BB-PHANSON": [("T1", "Thôn Sông Mao"), ("T2", "Thôn Trà Dẹp"), ("T3", "Thôn Tà Mon")],
    "BB-PHANTHANH": [("T1", "Thôn Lâm Thanh"), ("T2", "Thôn Thanh Bình"), ("T3", "Thôn Thanh Kiết")],
    "BB-PHANTIEN": [("T1", "Thôn 1"), ("T2", "Thôn 2"), ("T3", "Thôn 3")],
    "BB-SONGBINH": [("T1", "Thôn 1"), ("T2", "Thôn 2"), ("T3", "Thôn 3"), ("T4", "Thôn 4")],
    "BB-SONGLUY": [("T1", "Thôn 1"), ("T2", "Thôn 2"), ("T3", "Thôn 3")],
}
# Fallback for a commune missing above (e.g. an edited areas file): three numbered villages.
DEFAULT_VILLAGES = [("T1", "Thôn 1"), ("T2", "Thôn 2"), ("T3", "Thôn 3")]

# Mountainous, ethnic-minority communes: flagged disadvantaged (lower citizen threshold).
DISADVANTAGED_COMMUNES = ("BB-PHANSON", "BB-PHANLAM")

# How far each commune's learning movement has come: 1 ahead, 0 on track, -1 behind.
MOMENTUM: dict[str, int] = {
    "BB-CHOLAU": 1,
    "BB-LUONGSON": 1,
    "BB-HAININH": 1,
    "BB-PHANRITHANH": 1,
    "BB-HOATHANG": 1,
    "BB-PHANSON": -1,
    "BB-PHANLAM": -1,
    "BB-SONGLUY": -1,
    "BB-PHANTIEN": -1,
}
# Roughly how many demo residents each commune gets (others: COMMUNE_SIZE_DEFAULT).
COMMUNE_SIZE: dict[str, int] = {"BB-CHOLAU": 160, "BB-LUONGSON": 140, "BB-PHANSON": 80, "BB-PHANLAM": 80}
COMMUNE_SIZE_DEFAULT = 110

# Courses learned outside the platform (community learning centres, agricultural extension):
# (code, category, digital level, hours). Known only by their code, as in an evidence import.
OFFLINE_COURSES: list[tuple[str, str, str | None, int]] = [
    ("OFF-DS-1", "digital_skill", "basic", 8),
    ("OFF-DS-2", "digital_skill", "proficient", 16),
    ("OFF-FL-1", "foreign_language", None, 24),
    ("OFF-FL-2", "foreign_language", None, 30),
    ("OFF-NUM-1", "numeracy", None, 6),
    ("OFF-NUM-2", "numeracy", None, 8),
    ("OFF-LAW-1", "law", None, 4),
    ("OFF-LAW-2", "law", None, 4),
    ("OFF-HEA-1", "health", None, 4),
    ("OFF-HEA-2", "health", None, 3),
    ("OFF-AGR-1", "agriculture", None, 8),
    ("OFF-AGR-2", "agriculture", None, 6),
    ("OFF-AGR-3", "agriculture", None, 6),
    ("OFF-VOC-1", "vocational", None, 40),
    ("OFF-VOC-2", "vocational", None, 24),
    ("OFF-CUL-1", "culture_society", None, 3),
    ("OFF-CRIT-1", "criteria_study", None, 2),
]
