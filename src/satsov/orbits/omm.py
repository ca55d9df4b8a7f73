"""CCSDS Orbit Mean-Elements Messages (OMM) as CelesTrak serves them: JSON, CSV and XML.

>>> import json
>>> record = {"OBJECT_NAME": "STARLINK-1008", "OBJECT_ID": "2019-074B", "EPOCH": "2026-05-07T12:00:00.000000",
...           "MEAN_MOTION": 15.06, "ECCENTRICITY": 0.0001, "INCLINATION": 53.05, "RA_OF_ASC_NODE": 10.0,
...           "ARG_OF_PERICENTER": 90.0, "MEAN_ANOMALY": 270.0, "NORAD_CAT_ID": 44714, "BSTAR": 0.0001,
...           "MEAN_MOTION_DOT": 0.00001, "MEAN_MOTION_DDOT": 0}
>>> elements, rejected = parse_omm_json(json.dumps([record]), "gp.json")
>>> elements[0].name, elements[0].norad_id, rejected
('STARLINK-1008', 44714, [])
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import numpy as np
from sgp4.api import WGS72, Satrec

from satsov.orbits.elements import ElementSet
from satsov.errors import CatalogError, InputError, RecordError
from satsov.times import parse_utc

__all__ = ["parse_omm_json", "parse_omm_csv", "parse_omm_xml", "omm_records", "REQUIRED_FIELDS"]

_ISO_EPOCH = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?[Zz]?")

# field -> (attribute, low, high, expected text)
REQUIRED_FIELDS = {
    "NORAD_CAT_ID": ("norad_id", 0, 999999999, "a catalogue number"),
    "EPOCH": ("epoch", None, None, "an ISO time such as 2026-05-07T12:00:00.000000"),
    "MEAN_MOTION": ("mean_motion_rev_per_day", 1e-9, 20.0, "revolutions per day in (0, 20]"),
    "ECCENTRICITY": ("eccentricity", 0.0, 0.9999999, "a number in [0, 1)"),
    "INCLINATION": ("inclination_deg", 0.0, 180.0, "degrees in [0, 180]"),
    "RA_OF_ASC_NODE": ("raan_deg", 0.0, 360.0, "degrees in [0, 360]"),
    "ARG_OF_PERICENTER": ("arg_perigee_deg", 0.0, 360.0, "degrees in [0, 360]"),
    "MEAN_ANOMALY": ("mean_anomaly_deg", 0.0, 360.0, "degrees in [0, 360]"),
    "BSTAR": ("bstar", -10.0, 10.0, "a number"),
    "MEAN_MOTION_DOT": ("mean_motion_dot", -1.0, 1.0, "a number in [-1, 1] rev/day²"),
    "MEAN_MOTION_DDOT": ("mean_motion_ddot", -1.0, 1.0, "a number in [-1, 1] rev/day³"),
}
_OPTIONAL_INT = {"EPHEMERIS_TYPE": "ephemeris_type", "ELEMENT_SET_NO": "element_set_no", "REV_AT_EPOCH": "rev_at_epoch"}


def _record(fields: dict, path: str, line: int | None, record: int | None) -> ElementSet:
    def bad(field, found, expected):
        return RecordError(path, line, field, found, expected, record=record)

    values: dict = {}
    for key, (attr, lo, hi, expected) in REQUIRED_FIELDS.items():
        raw = fields.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise bad(key, "nothing (field missing)", expected)
        if key == "EPOCH":
            text = str(raw).strip()
            if not isinstance(raw, str) or not _ISO_EPOCH.fullmatch(text):
                raise bad(key, str(raw)[:40], expected)
            try:
                parse_utc(text[:26].rstrip("Zz") + "Z", name="EPOCH")   # the range (µs is enough for it)
                values[attr] = np.datetime64(text.rstrip("Zz"), "ns")
            except (InputError, ValueError):
                raise bad(key, str(raw)[:40], f"{expected}, from 1900 to 2200") from None
            continue
        if isinstance(raw, bool):  # JSON true/false would read as 1/0
            raise bad(key, raw, expected)
        try:
            if key == "NORAD_CAT_ID" and isinstance(raw, float) and not raw.is_integer():
                raise bad(key, raw, expected)
            value = int(raw) if key == "NORAD_CAT_ID" else float(raw)
        except (TypeError, ValueError, OverflowError):
            raise bad(key, raw, expected) from None
        if not (isinstance(value, int) or math.isfinite(value)) or value < lo or value > hi:
            raise bad(key, raw, expected)
        values[attr] = value
    for key, attr in _OPTIONAL_INT.items():
        raw = fields.get(key)
        if raw not in (None, ""):
            try:
                if isinstance(raw, (bool, float)):
                    raise TypeError
                values[attr] = int(raw)
            except (TypeError, ValueError, OverflowError):
                raise bad(key, raw, "an integer") from None
    name = str(fields.get("OBJECT_NAME") or values["norad_id"]).strip()
    where = f"{path}:{line}" if line is not None else f"{path}#{record}"
    e = ElementSet(name=name, classification=str(fields.get("CLASSIFICATION_TYPE") or "U")[:1],
                   intl_designator=_intl_designator(str(fields.get("OBJECT_ID") or "")), source=where, **values)
    sat = Satrec()
    try:
        sat.sgp4init(WGS72, "i", *e.sgp4_arguments())
    except (ValueError, OverflowError) as exc:
        raise bad("MEAN_MOTION", fields.get("MEAN_MOTION"), f"elements SGP4 can initialise ({exc})") from None
    if sat.error:
        raise bad("MEAN_MOTION", fields.get("MEAN_MOTION"), f"elements SGP4 can initialise (error {sat.error})")
    return e


def _intl_designator(object_id: str) -> str:
    """'2019-074B' -> '19074B' (the TLE form)."""
    if len(object_id) >= 5 and object_id[4] == "-":
        return object_id[2:4] + object_id[5:]
    return object_id


def _collect(records, path):
    elements, rejected = [], []
    for fields, line, record in records:
        try:
            elements.append(_record(fields, path, line, record))
        except RecordError as exc:
            rejected.append(exc)
    return elements, rejected


def parse_omm_json(text: str, path: str = "<omm.json>"):
    """Parse a JSON array of OMM records (CelesTrak ``FORMAT=json``). Returns ``(elements, rejected)``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(path, f"line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise CatalogError(path, "nested too deeply to be OMM JSON; expected an array of OMM records") from None
    except ValueError as exc:   # an integer of thousands of digits (Python's int conversion limit)
        raise CatalogError(path, f"not OMM JSON ({str(exc)[:120]}); expected an array of OMM records") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise CatalogError(path, f"found a JSON {type(data).__name__}, expected an array of OMM records")
    records, rejected = [], []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            rejected.append(RecordError(path, None, None, type(item).__name__, "a JSON object with OMM fields",
                                        record=index))
            continue
        records.append((item, None, index))
    elements, bad = _collect(records, path)
    return elements, rejected + bad


def parse_omm_csv(text: str, path: str = "<omm.csv>"):
    """Parse OMM records as CSV with a header line (CelesTrak ``FORMAT=csv``)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))   # the csv module's own line endings (\r, \r\n, \n)
    records = []
    try:
        missing = [k for k in REQUIRED_FIELDS if k not in (reader.fieldnames or [])]
        if missing:
            raise CatalogError(path, f"line 1: the CSV header lacks {', '.join(missing)}; expected the OMM field "
                                     f"names ({', '.join(REQUIRED_FIELDS)})")
        for row in reader:
            records.append((row, reader.line_num, None))
    except csv.Error as exc:   # a field too large, a stray quote or line ending: the whole file is in doubt
        raise CatalogError(path, f"line {reader.line_num}: not CSV that can be read ({exc})") from None
    return _collect(records, path)


def parse_omm_xml(text: str, path: str = "<omm.xml>"):
    """Parse OMM records in CCSDS NDM/XML (CelesTrak ``FORMAT=xml``)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        raise CatalogError(path, f"line {line} column {column}: not well-formed XML") from None
    records = []
    for index, segment in enumerate(root.iter("segment"), start=1):
        fields = {}
        for part in ("metadata", "data/meanElements", "data/tleParameters"):
            node = segment.find(part)
            if node is not None:
                fields.update((child.tag, (child.text or "").strip()) for child in node)
        records.append((fields, None, index))
    if not records:
        raise CatalogError(path, "no <segment> element found; expected CCSDS OMM XML (<ndm><omm><body><segment>)")
    return _collect(records, path)


def omm_records(elements: Sequence[ElementSet]) -> list[dict]:
    """OMM records (CelesTrak JSON keys) for element sets."""
    out = []
    for e in elements:
        object_id = e.intl_designator
        if len(object_id) >= 5 and object_id[:2].isdigit():
            year = int(object_id[:2])
            object_id = f"{1900 + year if year >= 57 else 2000 + year}-{object_id[2:]}"
        out.append({
            "OBJECT_NAME": e.name, "OBJECT_ID": object_id,
            "EPOCH": str(e.epoch.astype("datetime64[us]")),
            "MEAN_MOTION": e.mean_motion_rev_per_day, "ECCENTRICITY": e.eccentricity,
            "INCLINATION": e.inclination_deg, "RA_OF_ASC_NODE": e.raan_deg,
            "ARG_OF_PERICENTER": e.arg_perigee_deg, "MEAN_ANOMALY": e.mean_anomaly_deg,
            "EPHEMERIS_TYPE": e.ephemeris_type, "CLASSIFICATION_TYPE": e.classification,
            "NORAD_CAT_ID": e.norad_id, "ELEMENT_SET_NO": e.element_set_no, "REV_AT_EPOCH": e.rev_at_epoch,
            "BSTAR": e.bstar, "MEAN_MOTION_DOT": e.mean_motion_dot, "MEAN_MOTION_DDOT": e.mean_motion_ddot,
        })
    return out
