"""Ethnic groups (民族) by GB/T 3304-1991 "Names of nationalities of China in romanization
with codes".

Only the 56 named groups are accepted; GB/T 3304's 97 其他 and 98 外国血统中国籍人士 are
not, as the API contract requires one of the 56 names.
"""

from __future__ import annotations

from onetrip.errors import FieldError

# GB/T 3304-1991 Table 1: the 56 names in code order (code = position, "01"-"56").
ETHNICITIES: tuple[str, ...] = (
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
)

# GB/T 3304-1991 two-digit numeric codes: name -> code.
CODES: dict[str, str] = {name: f"{code:02d}" for code, name in enumerate(ETHNICITIES, start=1)}

_NAMES = frozenset(ETHNICITIES)


def validate(value: str, *, field: str = "ethnicity") -> list[FieldError]:
    """[] when `value` is exactly one of the 56 names (no trimming, no short forms)."""
    if value in _NAMES:
        return []
    message = "must be one of the 56 ethnic group names of GB/T 3304, such as 汉族"
    if value + "族" in _NAMES:
        # A common slip at the window: the short form (汉) instead of the full name (汉族).
        message += " (write the full name ending in 族)"
    return [FieldError(field, message)]
