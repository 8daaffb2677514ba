"""Normalising cell values as people type them. Each function returns the clean value or raises
``BadValue`` with a message that says exactly what is wrong."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .. import idnumbers

EXCEL_EPOCH = datetime.date(1899, 12, 30)
_CJK = r"[\u3400-\u9fff\uf900-\ufaff·•]"


class BadValue(ValueError):
    pass


@dataclass(frozen=True)
class Day:
    """A date read from a cell; ``month_only`` when the file gave only year and month."""

    date: datetime.date
    month_only: bool = False


def text(value) -> str:
    """Full-width → half-width (NFKC), ideographic/stray spaces collapsed, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    s = unicodedata.normalize("NFKC", str(value))
    s = re.sub(r"[\s\u00a0\u200b\ufeff]+", " ", s).strip()
    return s


def name(value) -> str:
    """A person's name: spaces between Chinese characters removed ("张 三" → "张三")."""
    s = text(value)
    return re.sub(rf"(?<={_CJK}) (?={_CJK})", "", s)


def compact(value) -> str:
    """Text with every space removed (organisation names, enumerations)."""
    return text(value).replace(" ", "")


ROUNDED_MESSAGE = gettext_noop(
    "Excel stored the ID number as a number and lost its last digits: format the column as text and type it again."  # noqa: E501
)
NOT_A_DATE = gettext_noop(
    "“%(value)s” is not a date: write it as 2019-07-01 (2019.07.01, 2019/7/1 and 2019年7月1日 are also read)."  # noqa: E501
)


def id_number(value) -> str:
    """Normalised citizen ID (half-width, upper-case X, no spaces). A number cell raises: Excel keeps
    15 significant digits, so an 18-digit ID stored as a number has already lost its end."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise BadValue(_(ROUNDED_MESSAGE))
    s = compact(value).upper()
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", s):
        raise BadValue(_(ROUNDED_MESSAGE))
    if not s:
        return ""
    if "*" in s:
        raise BadValue(_("The ID number is masked (the export hid it): an import needs the full number."))
    problem = idnumbers.problem(s)
    if problem:
        raise BadValue(problem)
    return s


def phone(value) -> str:
    s = compact(value).replace("-", "")
    if isinstance(value, float) and not value.is_integer():
        raise BadValue(_("The phone number is not a number: format the column as text."))
    if s.startswith("+86"):
        s = s[3:]
    return s


_FULL = re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})[-./年](\d{1,2})月?$")


def day(value) -> Day | None:
    """A date from an Excel date, an Excel serial number or text (2019-07-01, 2019.07.01, 2019/7/1,
    2019年7月1日, 20190701); month precision (2019.07, 2019年7月) gives the first of the month."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return Day(value.date())
    if isinstance(value, datetime.date):
        return Day(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    s = compact(value)
    if not s:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", s):
        return _serial(float(s))
    if re.fullmatch(r"\d{8}", s):
        s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
    m = _FULL.match(s)
    try:
        if m:
            return Day(datetime.date(int(m[1]), int(m[2]), int(m[3])))
        m = _MONTH.match(s) or re.fullmatch(r"(\d{4})(\d{2})", s)
        if m:
            return Day(datetime.date(int(m[1]), int(m[2]), 1), month_only=True)
    except ValueError:
        pass
    raise BadValue(_(NOT_A_DATE) % {"value": s})


def _serial(number: float) -> Day:
    if not 1 <= number < 80000 or number != int(number):
        raise BadValue(_(NOT_A_DATE) % {"value": number})
    return Day(EXCEL_EPOCH + datetime.timedelta(days=int(number)))


# --- Enumerations ---------------------------------------------------------------------

ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
    "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]  # fmt: skip
OTHER_ETHNICITIES = ["其他", "外国血统"]
MAJORITY = "汉族"
ETHNICITY_NAMES = {e: e for e in ETHNICITIES + OTHER_ETHNICITIES}
ETHNICITY_NAMES.update({e[:-1]: e for e in ETHNICITIES})  # 汉 → 汉族, 维吾尔 → 维吾尔族
ETHNICITY_NAMES.update(
    {"蒙古": "蒙古族", "蒙": "蒙古族", "维": "维吾尔族", "其它": "其他", "外国血统中国籍人士": "外国血统"}
)


def ethnicity(value) -> str:
    s = compact(value)
    if not s:
        return ""
    found = ETHNICITY_NAMES.get(s)
    if found is None:
        raise BadValue(
            _("Unknown ethnicity “%(value)s”: write one of the 56 names (e.g. 汉族, 回族), 其他 or 外国血统.")
            % {"value": s}
        )
    return found


def is_minority(value: str) -> bool:
    return bool(value) and value in ETHNICITIES and value != MAJORITY


EDUCATION_LEVELS = [
    "博士研究生", "硕士研究生", "大学本科", "大学专科", "中等专科", "职业高中", "技工学校", "普通高中", "初中", "小学",
]  # fmt: skip
EDUCATION_NAMES = {e: e for e in EDUCATION_LEVELS}
EDUCATION_NAMES.update(
    {
        "博士": "博士研究生",
        "研究生": "硕士研究生",
        "硕士": "硕士研究生",
        "研究生(硕士)": "硕士研究生",
        "研究生(博士)": "博士研究生",
        "大学": "大学本科",
        "本科": "大学本科",
        "大本": "大学本科",
        "大学本科毕业": "大学本科",
        "大专": "大学专科",
        "专科": "大学专科",
        "中专": "中等专科",
        "中技": "技工学校",
        "技校": "技工学校",
        "职高": "职业高中",
        "高中": "普通高中",
        "初中及以下": "初中",
    }
)


def education(value) -> str:
    s = compact(value)
    if not s:
        return ""
    found = EDUCATION_NAMES.get(s)
    if found is None:
        raise BadValue(
            _("Education “%(value)s” could not be mapped: write one of %(levels)s.")
            % {"value": s, "levels": "、".join(EDUCATION_LEVELS)}
        )
    return found
