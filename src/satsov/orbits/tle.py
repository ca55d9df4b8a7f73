"""Two-line and three-line element sets (CelesTrak style), read and written.

Reading validates every record: line numbers, column layout, checksums,
matching catalogue numbers and value ranges. A bad record is reported as a
:class:`~satsov.errors.RecordError` naming the file, line and field, showing
the line with the bad columns marked, and is skipped.

>>> text = '''ISS (ZARYA)
... 1 25544U 98067A   26127.50000000  .00016717  00000+0  30000-3 0  9990
... 2 25544  51.6400 208.9163 0006317  69.9862  25.2906 15.49560532 99994'''
>>> elements, rejected = parse_tle(text.splitlines(), "iss.tle")
>>> elements[0].name, elements[0].norad_id, round(elements[0].inclination_deg, 2)
('ISS (ZARYA)', 25544, 51.64)
>>> print(format_tle(elements[0], name=False)[1])
2 25544  51.6400 208.9163 0006317  69.9862  25.2906 15.49560532 99994
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import numpy as np
from sgp4.api import WGS72, Satrec

from satsov.orbits.elements import ElementSet
from satsov.errors import RecordError

__all__ = ["parse_tle", "format_tle", "tle_checksum"]

# (name, line, first column, last column) with 1-based inclusive columns, as in the TLE specification.
_LINE1_FIELDS = [
    ("line_number", 1, 1, 1), ("norad_id", 1, 3, 7), ("classification", 1, 8, 8),
    ("intl_designator", 1, 10, 17), ("epoch_year", 1, 19, 20), ("epoch_day", 1, 21, 32),
    ("mean_motion_dot", 1, 34, 43), ("mean_motion_ddot", 1, 45, 52), ("bstar", 1, 54, 61),
    ("ephemeris_type", 1, 63, 63), ("element_set_no", 1, 65, 68), ("checksum", 1, 69, 69),
]
_LINE2_FIELDS = [
    ("line_number", 2, 1, 1), ("norad_id", 2, 3, 7), ("inclination_deg", 2, 9, 16),
    ("raan_deg", 2, 18, 25), ("eccentricity", 2, 27, 33), ("arg_perigee_deg", 2, 35, 42),
    ("mean_anomaly_deg", 2, 44, 51), ("mean_motion_rev_per_day", 2, 53, 63),
    ("rev_at_epoch", 2, 64, 68), ("checksum", 2, 69, 69),
]
_TEMPLATE = {
    1: "1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN",
    2: "2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN",
}
_ALPHA5 = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # I and O are not used
_F1 = {s[0]: s for s in _LINE1_FIELDS}
_F2 = {s[0]: s for s in _LINE2_FIELDS}


def tle_checksum(line: str) -> int:
    """Modulo-10 checksum of the first 68 columns: digits count their value, '-' counts 1."""
    head = line[:68]
    return (sum(d * head.count(c) for d, c in enumerate("0123456789")) + head.count("-")) % 10


def _marked(line: str, lineno_in_record: int, first: int, last: int) -> str:
    marker = " " * (first - 1) + "^" * (last - first + 1)
    return f"    {line}\n    {marker}\n    {_TEMPLATE[lineno_in_record]}  (expected layout)"


def _decode_norad(text: str) -> int:
    text = text.strip()
    if text and text[0].isalpha():  # Alpha-5: A0000 = 100000
        return (_ALPHA5.index(text[0].upper()) + 10) * 10000 + int(text[1:])
    return int(text)


#: The largest catalogue number a TLE can carry (Alpha-5 'Z9999'); beyond it only OMM works.
MAX_TLE_NORAD_ID = 339999


def _encode_norad(n: int) -> str:
    if n > MAX_TLE_NORAD_ID:
        from satsov.errors import InputError
        raise InputError(f"catalogue number {n} cannot be written as a TLE (the Alpha-5 limit is "
                         f"{MAX_TLE_NORAD_ID}); write OMM instead (.json or .csv)", found=n,
                         expected=f"<= {MAX_TLE_NORAD_ID}")
    if n < 100000:
        return f"{n:05d}"
    head, tail = divmod(n, 10000)
    return f"{_ALPHA5[head - 10]}{tail:04d}"


def _implied_exponent(text: str) -> float:
    """' 64291-3' -> 0.64291e-3; '-11606-4' -> -0.11606e-4."""
    s = text.strip()
    if not s:
        return 0.0
    sign = -1.0 if s[0] == "-" else 1.0
    s = s.lstrip("+-")
    mantissa, exp_sign, exponent = s[:-2], s[-2], s[-1]
    if exp_sign not in "+-" or not mantissa.strip().isdigit() or not exponent.isdigit():
        raise ValueError(text)
    return sign * float("0." + mantissa.strip()) * 10.0 ** (int(exponent) * (-1 if exp_sign == "-" else 1))


def _format_implied_exponent(x: float) -> str:
    if x == 0.0:
        return " 00000+0"
    sign = "-" if x < 0 else " "
    x = abs(x)
    exponent = max(math.floor(math.log10(x)) + 1, -9)  # below 1e-14 the field can only say zero
    mantissa = round(x / 10.0**exponent * 1e5)
    if mantissa >= 100000:
        mantissa //= 10
        exponent += 1
    if mantissa == 0:
        return " 00000+0"
    if exponent > 9:
        raise ValueError(f"{x} cannot be written in a TLE field")
    return f"{sign}{mantissa:05d}{'-' if exponent < 0 else '+'}{abs(exponent)}"


class _Bad(Exception):
    def __init__(self, field, which, first, last, found, expected):
        self.args_ = (field, which, first, last, found, expected)


def _field(lines: tuple[str, str], spec, cast, lo=None, hi=None, expected=None):
    name, which, first, last = spec
    text = lines[which - 1][first - 1:last]
    try:
        value = cast(text)
    except (ValueError, IndexError):
        raise _Bad(name, which, first, last, text, expected or "a number") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise _Bad(name, which, first, last, text, expected or f"a value in [{lo}, {hi}]")
    return value


def _parse_record(line1: str, line2: str, name: str, source: str) -> ElementSet:
    lines = (line1, line2)
    f1, f2 = _F1, _F2
    for which, line in ((1, line1), (2, line2)):
        if not (line.isascii() and line.isprintable()):
            odd = [i for i, ch in enumerate(line) if not (" " <= ch <= "~")]
            raise _Bad("characters", which, odd[0] + 1, odd[0] + 1, line[odd[0]], "printable ASCII")
        if len(line) != 69:
            raise _Bad("line_length", which, 1, max(len(line), 1), f"{len(line)} characters",
                       "69 characters (columns 1-69)")
        checksum = line[68]
        if not checksum.isdigit() or int(checksum) != tle_checksum(line):
            raise _Bad("checksum", which, 69, 69, checksum, f"checksum {tle_checksum(line)} (sum of digits, '-' = 1, mod 10)")
    norad1 = _field(lines, f1["norad_id"], _decode_norad, 0, 339999, "a catalogue number (5 digits or Alpha-5)")
    norad2 = _field(lines, f2["norad_id"], _decode_norad, 0, 339999, "a catalogue number (5 digits or Alpha-5)")
    if norad1 != norad2:
        raise _Bad("norad_id", 2, 3, 7, line2[2:7], f"the catalogue number of line 1 ({line1[2:7]})")
    year2 = _field(lines, f1["epoch_year"], int, 0, 99, "a two-digit year")
    day = _field(lines, f1["epoch_day"], float, 1.0, 367.0, "a day of year in [1, 367)")
    year = 1900 + year2 if year2 >= 57 else 2000 + year2
    epoch = np.datetime64(datetime(year, 1, 1) + timedelta(days=day - 1.0), "ns")
    ndot = _field(lines, f1["mean_motion_dot"], float, -1.0, 1.0, "a number in [-1, 1] rev/day²")
    nddot = _field(lines, f1["mean_motion_ddot"], _implied_exponent, expected="an implied-decimal number like ' 12345-5'")
    bstar = _field(lines, f1["bstar"], _implied_exponent, expected="an implied-decimal number like ' 64291-3'")
    ephtype_text = line1[62].strip() or "0"
    elset_text = line1[64:68].strip() or "0"
    if not ephtype_text.isdigit():
        raise _Bad("ephemeris_type", 1, 63, 63, line1[62], "a digit")
    if not elset_text.isdigit():
        raise _Bad("element_set_no", 1, 65, 68, line1[64:68], "a number of up to 4 digits")
    incl = _field(lines, f2["inclination_deg"], float, 0.0, 180.0, "degrees in [0, 180]")
    raan = _field(lines, f2["raan_deg"], float, 0.0, 360.0, "degrees in [0, 360]")
    ecc_text = line2[26:33]
    if not ecc_text.strip().isdigit():
        raise _Bad("eccentricity", 2, 27, 33, ecc_text, "7 digits with an implied leading decimal point")
    ecc = float("0." + ecc_text.strip())
    argp = _field(lines, f2["arg_perigee_deg"], float, 0.0, 360.0, "degrees in [0, 360]")
    mean_anomaly = _field(lines, f2["mean_anomaly_deg"], float, 0.0, 360.0, "degrees in [0, 360]")
    n = _field(lines, f2["mean_motion_rev_per_day"], float, 0.0, 20.0, "revolutions per day in (0, 20]")
    if n <= 0.0:
        raise _Bad("mean_motion_rev_per_day", 2, 53, 63, line2[52:63], "revolutions per day in (0, 20]")
    rev_text = line2[63:68].strip() or "0"
    if not rev_text.isdigit():
        raise _Bad("rev_at_epoch", 2, 64, 68, line2[63:68], "a revolution number of up to 5 digits")
    try:
        sat = Satrec.twoline2rv(line1, line2, WGS72)
    except ValueError as exc:
        raise _Bad("elements", 2, 1, 69, str(exc), "elements SGP4 can read") from None
    if sat.error:
        raise _Bad("elements", 2, 1, 69, f"SGP4 error code {sat.error}", "elements SGP4 can initialise")
    return ElementSet(
        norad_id=norad1, name=name.strip() or str(norad1), epoch=epoch, mean_motion_rev_per_day=n,
        eccentricity=ecc, inclination_deg=incl, raan_deg=raan, arg_perigee_deg=argp,
        mean_anomaly_deg=mean_anomaly, bstar=bstar, mean_motion_dot=ndot, mean_motion_ddot=nddot,
        classification=line1[7].strip() or "U", intl_designator=line1[9:17].strip(),
        element_set_no=int(elset_text), rev_at_epoch=int(rev_text), ephemeris_type=int(ephtype_text),
        source=source, tle=(line1, line2))


def _is_line(text: str, digit: str) -> bool:
    return len(text) >= 2 and text[0] == digit and text[1] == " "


def parse_tle(lines: Iterable[str | bytes], path: str = "<tle>") -> tuple[list[ElementSet], list[RecordError]]:
    """Parse 2-line or 3-line element sets.

    ``lines`` may be ``str`` or raw ``bytes`` (non-UTF-8 bytes are reported).
    Names may carry CelesTrak's leading ``0 ``. Returns ``(elements, rejected)``.
    """
    rows: list[tuple[int, str, str | None]] = []  # (line number, text, decode problem)
    for number, raw in enumerate(lines, start=1):
        problem = None
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                text = raw.decode("utf-8", errors="replace")
                problem = f"byte {raw[exc.start:exc.start + 1]!r} at column {exc.start + 1}"
        else:
            text = raw
        text = text.rstrip("\r\n").rstrip()
        if text.strip():
            rows.append((number, text, problem))

    elements: list[ElementSet] = []
    rejected: list[RecordError] = []
    i = 0
    while i < len(rows):
        number, text, problem = rows[i]
        name, name_number = "", None
        if not _is_line(text, "1") and not _is_line(text, "2"):
            name, name_number = (text[2:] if text.startswith("0 ") else text), number
            if i + 1 >= len(rows) or not _is_line(rows[i + 1][1], "1"):
                found = "end of file" if i + 1 >= len(rows) else rows[i + 1][1][:20]
                if problem:
                    rejected.append(RecordError(path, number, "encoding", problem, "UTF-8 text"))
                else:
                    rejected.append(RecordError(path, number, None, found,
                                                f"line 1 of an element set after the name line {text.strip()!r}"))
                i += 1
                continue
            i += 1
            number, text, p1 = rows[i]
            problem = problem or p1
        if _is_line(text, "2"):
            if i + 1 < len(rows) and _is_line(rows[i + 1][1], "1") and rows[i + 1][1][2:7] == text[2:7]:
                rejected.append(RecordError(path, number, "line_number", "line 2 before line 1",
                                            "line 1 followed by line 2 (the lines are swapped)"))
                i += 2
            else:
                rejected.append(RecordError(path, number, "line_number", text[:20], "line 1 before line 2"))
                i += 1
            continue
        # text is a line 1
        if i + 1 >= len(rows) or not _is_line(rows[i + 1][1], "2"):
            found = "end of file (truncated record)" if i + 1 >= len(rows) else rows[i + 1][1][:20]
            rejected.append(RecordError(path, number, "line_number", found, "line 2 after line 1"))
            i += 1
            continue
        number2, text2, p2 = rows[i + 1]
        problem = problem or p2
        i += 2
        first_line = name_number or number
        if problem:
            rejected.append(RecordError(path, first_line, "encoding", problem, "UTF-8 text"))
            continue
        try:
            elements.append(_parse_record(text, text2, name, f"{path}:{first_line}"))
        except _Bad as bad:
            field, which, first, last, found, expected = bad.args_
            line_no = number if which == 1 else number2
            detail = _marked((text, text2)[which - 1], which, first, min(last, 69))
            rejected.append(RecordError(path, line_no, field, found, expected, detail))
    return elements, rejected


def format_tle(e: ElementSet, name: bool = True) -> list[str]:
    """Format an element set as TLE lines (with a name line first when ``name``)."""
    if e.tle is not None:
        lines = list(e.tle)
    else:
        epoch = e.epoch.astype("datetime64[us]").item()
        year_start = datetime(epoch.year, 1, 1)
        day = (epoch - year_start).total_seconds() / 86400.0 + 1.0
        ndot = f"{e.mean_motion_dot:.8f}".replace("0.", ".", 1)
        ndot = (ndot if ndot.startswith("-") else " " + ndot).rjust(10)
        norad = _encode_norad(e.norad_id)
        l1 = (f"1 {norad}{e.classification[:1] or 'U'} {e.intl_designator[:8]:<8} {epoch.year % 100:02d}"
              f"{day:012.8f} {ndot} {_format_implied_exponent(e.mean_motion_ddot)} "
              f"{_format_implied_exponent(e.bstar)} {e.ephemeris_type % 10:d} {e.element_set_no % 10000:4d}")
        ecc = f"{e.eccentricity:.7f}"[2:]
        l2 = (f"2 {norad} {e.inclination_deg:8.4f} {e.raan_deg % 360.0:8.4f} {ecc} {e.arg_perigee_deg % 360.0:8.4f} "
              f"{e.mean_anomaly_deg % 360.0:8.4f} {e.mean_motion_rev_per_day:11.8f}{e.rev_at_epoch % 100000:5d}")
        lines = [l1 + str(tle_checksum(l1)), l2 + str(tle_checksum(l2))]
    return ([e.name] if name else []) + lines


def write_tle_lines(elements: Sequence[ElementSet], three_line: bool = True) -> str:
    return "".join(line + "\n" for e in elements for line in format_tle(e, name=three_line))
