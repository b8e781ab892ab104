"""Exports in dateline's own layout and in the layouts of the anchors' data sets.

=========== ======================================================================
layout      what a file holds
=========== ======================================================================
dateline    the flat event columns of docs/schema.md and the story's `url`,
            `outlet` and `title` (JSON Lines: the nested records, with an
            `article` object)
gdelt       GDELT 2.0's event table: its 61 columns in codebook order,
            tab-separated without a header (docs/schema.md lists what is left empty)
icews       the ICEWS coded-event file: its 20 named columns, tab-separated
plover      POLECAT/PLOVER JSON records (PLOVER manual, "JSON Data Fields")
=========== ======================================================================

Formats: ``tsv``, ``csv``, ``jsonl``, ``parquet`` and ``geojson`` (the events that
have coordinates, as points); by default the file's suffix decides. Parquet keeps
every type (CAMEO codes stay strings, `042` never becomes 42); CSV and TSV keep
none, so `COLUMN_TYPES` says how to read them back (docs/analysis.md).

Everything is read with bound parameters; the tables that translate codes (country
codes, sector names) come from package data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from dateline.errors import StoreError
from dateline.store.query import EventQuery, FusedQuery

if TYPE_CHECKING:
    from dateline.store import Store

__all__ = [
    "COLUMN_TYPES",
    "FORMATS",
    "GDELT_COLUMNS",
    "ICEWS_COLUMNS",
    "LAYOUTS",
    "PARTITIONS",
    "CountryCodes",
    "country_codes",
    "event_relation",
    "export_events",
    "export_fused",
    "format_for",
    "read_events",
]

Layout = Literal["dateline", "gdelt", "icews", "plover"]
Format = Literal["tsv", "csv", "jsonl", "parquet", "geojson"]
LAYOUTS: tuple[str, ...] = ("dateline", "gdelt", "icews", "plover")
FORMATS: tuple[str, ...] = ("tsv", "csv", "jsonl", "parquet", "geojson")
PARTITIONS: tuple[str, ...] = ("year", "month")
_SUFFIXES = {
    ".tsv": "tsv",
    ".tab": "tsv",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".geojson": "geojson",
}
DATA = Path(__file__).parent / "data"

# GDELT 2.0 event table, in the codebook's order (GDELT-Event_Codebook-V2.0).
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode",
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code",
    "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode",
    "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code",
    "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
# The ICEWS coded-event files (Harvard Dataverse, doi:10.7910/DVN/28075).
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
    "Event Text", "CAMEO Code", "Intensity", "Target Name", "Target Sectors",
    "Target Country", "Story ID", "Sentence Number", "Publisher", "City", "District",
    "Province", "Country", "Latitude", "Longitude",
)  # fmt: skip
# GDELT fields dateline has nothing to fill them with (docs/schema.md says why).
GDELT_EMPTY: tuple[str, ...] = (
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code",
    "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code",
    "AvgTone", "ActionGeo_ADM2Code",
    *(f"Actor{n}Geo_{field}" for n in (1, 2) for field in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")),
)  # fmt: skip

# How to read the text formats back (pandas `dtype=`, polars `schema_overrides=`):
# every code is text, so leading zeros survive ("042", "0311").
COLUMN_TYPES: dict[str, dict[str, str]] = {
    "dateline": {
        "event_id": "str", "article_id": "str", "cameo_code": "str", "cameo_root": "str",
        "source_code": "str", "target_code": "str", "date_value": "str",
        "location_geonameid": "Int64", "quad_class": "Int64", "sentence_index": "Int64",
    },
    "gdelt": {
        "EventCode": "str", "EventBaseCode": "str", "EventRootCode": "str",
        "Actor1Code": "str", "Actor2Code": "str", "Actor1Type1Code": "str",
        "Actor2Type1Code": "str", "ActionGeo_ADM1Code": "str", "ActionGeo_FeatureID": "str",
        "GLOBALEVENTID": "int64", "SQLDATE": "int64", "QuadClass": "int64",
    },
    "icews": {"CAMEO Code": "str", "Story ID": "str", "Event ID": "int64"},
}  # fmt: skip

_GENERIC_ACTORS = ("IGO", "NGO", "IMG", "MNC", "NGM", "UIS", "INT")
# Any run of tabs, line breaks or double quotes: GDELT and ICEWS readers split
# on tabs with no quoting, so a field must hold none.
_UNSAFE = "'[\\t\\r\\n\"]+'"
_WHITESPACE = "' ' || chr(9) || chr(10) || chr(13)"


class CountryCodes:
    """ISO3 → ISO2, FIPS 10-4 and English name (`store/data/country_codes.tsv`,
    compiled by scripts/build_country_codes.py from GeoNames)."""

    def __init__(self, path: Path = DATA / "country_codes.tsv") -> None:
        rows: list[tuple[str, str, str, str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip() or line.startswith("iso3\t"):
                continue
            iso3, iso2, fips, name = line.split("\t")
            rows.append((iso3, iso2, fips, name))
        if not rows:
            raise StoreError(f"{path}: no country codes; run scripts/build_country_codes.py")
        self.rows = tuple(rows)
        self.iso2 = {iso3: iso2 for iso3, iso2, _, _ in rows}
        self.fips = {iso3: fips for iso3, _, fips, _ in rows if fips}
        self.name = {iso3: name for iso3, _, _, name in rows}


@lru_cache(maxsize=1)
def country_codes() -> CountryCodes:
    return CountryCodes()


@lru_cache(maxsize=1)
def sector_names() -> dict[str, str]:
    """CAMEO actor-type codes → short names ("GOV" → "Government")."""
    from dateline.codes.tables import DATA_DIR

    names: dict[str, str] = {}
    for line in (DATA_DIR / "cameo_actor_types.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 3 or fields[0] == "code":
            continue
        code, description = fields[0], fields[2] or fields[0]
        names[code] = re.split(r"[:,(]", description)[0].strip() or code
    return names


def format_for(path: Path, format: str | None) -> str:
    """The format asked for, or the one the file's suffix names."""
    if format:
        if format not in FORMATS:
            raise StoreError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
        return format
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise StoreError(
            f"cannot tell the format of {path.name!r}: name it .tsv, .csv, .jsonl, .parquet or"
            " .geojson, or give --format"
        )
    return found


# -- the layouts as SQL ----------------------------------------------------------------


def _lookups() -> tuple[str, list[Any]]:
    """CTEs of the package's code tables, with their values bound."""
    countries = country_codes().rows
    sectors = sorted(sector_names().items())
    sql = (
        "WITH cc(iso3, iso2, fips, cname) AS (VALUES "
        + ", ".join(["(?, ?, ?, ?)"] * len(countries))
        + "), sectors(code, sname) AS (VALUES "
        + ", ".join(["(?, ?)"] * len(sectors))
        + ")"
    )
    params: list[Any] = [value for row in countries for value in row]
    params += [value for row in sectors for value in row]
    return sql, params


def _clean(column: str) -> str:
    return f"nullif(trim(regexp_replace({column}, {_UNSAFE}, ' ', 'g')), '')"


# A day only when the text gives one; else the story's day, as GDELT dates its events.
_EVENT_DAY = (
    "CASE WHEN date_precision = 'day' AND date_start IS NOT NULL THEN date_start"
    " ELSE report_date END AS _day"
)
# Read from the record, so stores written before schema 1.1 export too.
_FEATURE = "nullif(record->>'$.location.feature', '') AS _feature"


def _dateline_select() -> str:
    return (
        "SELECT e.event_id, e.article_id, a.url, a.source AS outlet, a.title,"
        " e.sentence_index, trim(e.sentence, " + _WHITESPACE + ") AS sentence, e.trigger,"
        " e.source_text, e.source_name, e.source_code, e.source_country, e.source_sector,"
        " e.target_text, e.target_name, e.target_code, e.target_country, e.target_sector,"
        " e.cameo_code, e.cameo_root, e.cameo_name, e.goldstein, e.quad_class,"
        " e.plover_event, e.plover_mode, e.modality,"
        " e.date_value, e.date_start, e.date_end, e.date_precision, e.date_basis, e.date_text,"
        " e.report_date, e.location_name, e.location_country, e.location_lat, e.location_lon,"
        " TRY_CAST(e.record->>'$.location.geonameid' AS BIGINT) AS location_geonameid,"
        " nullif(e.record->>'$.location.feature', '') AS location_feature,"
        " e.rule_id, e.schema_version, e.rules_version"
    )


def _gdelt_actor(n: int, role: str) -> list[str]:
    code, generic = f"e.{role}_code", f"substr(e.{role}_code, 1, 3) IN {_GENERIC_ACTORS!r}"
    return [
        f"{code} AS Actor{n}Code",
        f"upper({_clean(f'e.{role}_name')}) AS Actor{n}Name",
        f"e.{role}_country AS Actor{n}CountryCode",
        f"CASE WHEN {generic} THEN nullif(substr({code}, 4, 3), '') END AS Actor{n}KnownGroupCode",
        f"NULL::VARCHAR AS Actor{n}EthnicCode",
        f"NULL::VARCHAR AS Actor{n}Religion1Code",
        f"NULL::VARCHAR AS Actor{n}Religion2Code",
        f"CASE WHEN {generic} THEN substr({code}, 1, 3)"
        f" ELSE coalesce(e.{role}_sector, nullif(substr({code}, 4, 3), '')) END AS Actor{n}Type1Code",
        f"CASE WHEN {generic} THEN NULL ELSE nullif(substr({code}, 7, 3), '') END AS Actor{n}Type2Code",
        f"CASE WHEN {generic} THEN NULL ELSE nullif(substr({code}, 10, 3), '') END AS Actor{n}Type3Code",
    ]


def _gdelt_no_geo(prefix: str) -> list[str]:
    return [
        f"NULL::INTEGER AS {prefix}_Type",
        f"NULL::VARCHAR AS {prefix}_FullName",
        f"NULL::VARCHAR AS {prefix}_CountryCode",
        f"NULL::VARCHAR AS {prefix}_ADM1Code",
        f"NULL::VARCHAR AS {prefix}_ADM2Code",
        f"NULL::DOUBLE AS {prefix}_Lat",
        f"NULL::DOUBLE AS {prefix}_Long",
        f"NULL::VARCHAR AS {prefix}_FeatureID",
    ]


def _gdelt_select() -> str:
    day = "e._day"
    feature = "e._feature"
    us = "e.location_country = 'USA'"
    geo_type = (
        f"CASE WHEN e.location_name IS NULL THEN NULL WHEN {feature} = 'country' THEN 1"
        f" WHEN {feature} = 'admin1' THEN (CASE WHEN {us} THEN 2 ELSE 5 END)"
        f" WHEN e.location_lat IS NOT NULL THEN (CASE WHEN {us} THEN 3 ELSE 4 END) END"
    )
    full_name = (
        f"CASE WHEN {feature} = 'country' THEN coalesce(lc.cname, {_clean('e.location_name')})"
        f" ELSE concat_ws(', ', {_clean('e.location_name')}, lc.cname) END"
    )
    columns = [
        "CAST(md5_number(e.event_id) % 9007199254740881 AS BIGINT) AS GLOBALEVENTID",
        f"CAST(strftime({day}, '%Y%m%d') AS INTEGER) AS SQLDATE",
        f"CAST(strftime({day}, '%Y%m') AS INTEGER) AS MonthYear",
        f"CAST(year({day}) AS INTEGER) AS Year",
        f"round(year({day}) + (dayofyear({day}) - 1) / 365.0, 4) AS FractionDate",
        *_gdelt_actor(1, "source"),
        *_gdelt_actor(2, "target"),
        "CAST(e.sentence_index = 0 AS INTEGER) AS IsRootEvent",
        "e.cameo_code AS EventCode",
        "substr(e.cameo_code, 1, 3) AS EventBaseCode",
        "e.cameo_root AS EventRootCode",
        "e.quad_class AS QuadClass",
        "e.goldstein AS GoldsteinScale",
        "1 AS NumMentions",
        "1 AS NumSources",
        "1 AS NumArticles",
        "NULL::DOUBLE AS AvgTone",
        *_gdelt_no_geo("Actor1Geo"),
        *_gdelt_no_geo("Actor2Geo"),
        f"{geo_type} AS ActionGeo_Type",
        f"CASE WHEN e.location_name IS NOT NULL THEN {full_name} END AS ActionGeo_FullName",
        "lc.fips AS ActionGeo_CountryCode",
        "lc.fips AS ActionGeo_ADM1Code",
        "NULL::VARCHAR AS ActionGeo_ADM2Code",
        "e.location_lat AS ActionGeo_Lat",
        "e.location_lon AS ActionGeo_Long",
        f"CASE WHEN {feature} = 'country' THEN lc.fips END AS ActionGeo_FeatureID",
        "CAST(strftime(coalesce(r.finished_at, r.started_at, CAST(e.report_date AS TIMESTAMP)),"
        " '%Y%m%d%H%M%S') AS BIGINT) AS DATEADDED",
        f"coalesce({_clean('a.url')}, {_clean('a.source')}) AS SOURCEURL",
    ]
    return "SELECT " + ", ".join(columns)


def _icews_select() -> str:
    feature = "e._feature"
    columns = [
        'CAST(md5_number(e.event_id) % 9007199254740881 AS BIGINT) AS "Event ID"',
        'e._day AS "Event Date"',
        f'{_clean("e.source_name")} AS "Source Name"',
        'ss.sname AS "Source Sectors"',
        'sc.cname AS "Source Country"',
        'e.cameo_name AS "Event Text"',
        'e.cameo_code AS "CAMEO Code"',
        'e.goldstein AS "Intensity"',
        f'{_clean("e.target_name")} AS "Target Name"',
        'ts.sname AS "Target Sectors"',
        'tc.cname AS "Target Country"',
        'e.article_id AS "Story ID"',
        'e.sentence_index + 1 AS "Sentence Number"',
        f'{_clean("a.source")} AS "Publisher"',
        f"CASE WHEN {feature} NOT IN ('country', 'admin1') THEN {_clean('e.location_name')} END"
        ' AS "City"',
        'NULL::VARCHAR AS "District"',
        f"CASE WHEN {feature} = 'admin1' THEN {_clean('e.location_name')} END AS \"Province\"",
        'lc.cname AS "Country"',
        'e.location_lat AS "Latitude"',
        'e.location_lon AS "Longitude"',
    ]
    return "SELECT " + ", ".join(columns)


def _joins() -> str:
    return (
        " LEFT JOIN articles a ON a.article_id = e.article_id"
        " LEFT JOIN runs r ON r.run_id = a.run_id"
        " LEFT JOIN cc lc ON lc.iso3 = e.location_country"
        " LEFT JOIN cc sc ON sc.iso3 = e.source_country"
        " LEFT JOIN cc tc ON tc.iso3 = e.target_country"
        " LEFT JOIN sectors ss ON ss.code = e.source_sector"
        " LEFT JOIN sectors ts ON ts.code = e.target_sector"
    )


def _order() -> str:
    return " ORDER BY coalesce(e.date_start, e.report_date), e.event_id"


def event_relation(
    connection: duckdb.DuckDBPyConnection,
    query: EventQuery | None = None,
    layout: str = "dateline",
    partition: str | None = None,
) -> duckdb.DuckDBPyRelation:
    """The selected events in one layout's columns and types, as a DuckDB relation
    (`.arrow()`, `.df()`, `.pl()`, `.write_parquet()` ...). `partition` adds the
    `year` (and `month`) of the story's date for partitioned files."""
    query = query or EventQuery()
    where, params = query.where()
    select = {"dateline": _dateline_select, "gdelt": _gdelt_select, "icews": _icews_select}
    if layout not in select:
        raise StoreError(f"no flat columns in the {layout!r} layout; use JSON Lines")
    lookups, lookup_params = _lookups()
    extra = ""
    if partition in PARTITIONS:
        extra = ", year(e.report_date) AS year" + (
            ", month(e.report_date) AS month" if partition == "month" else ""
        )
    elif partition is not None:
        raise StoreError(f"cannot partition by {partition!r}: use year or month")
    sql = (
        f"{lookups} {select[layout]()}{extra}"
        f" FROM (SELECT *, {_EVENT_DAY}, {_FEATURE} FROM events{where}) e" + _joins() + _order()
    )
    if query.limit:
        sql += " LIMIT ?"
        params = [*params, query.limit]
    return connection.query(sql, params=[*lookup_params, *params])


def read_events(
    db: str | Path = "dateline.duckdb",
    *,
    to: Literal["pandas", "polars", "arrow"] = "pandas",
    layout: Literal["dateline", "gdelt", "icews"] = "dateline",
    limit: int | None = None,
    **filters: Any,
) -> Any:
    """Stored events as a DataFrame (pandas or polars) or an Arrow table, with the filters
    of `dateline events` (`actor`, `dyad`, `country`, `since`, `until`, `cameo`,
    `quadclass`, `modality`, `q`), in a layout's columns and types:

        >>> frame = read_events("dateline.duckdb", dyad=("CHN", "JPN"), since="2017-01-01")

    Needs `pip install "dateline[analysis]"` (pyarrow, pandas, polars)."""
    from dateline.store import open_store

    for key in ("since", "until"):
        if isinstance(filters.get(key), str):
            filters[key] = dt.date.fromisoformat(filters[key])
    if isinstance(filters.get("dyad"), list):
        filters["dyad"] = tuple(filters["dyad"])
    try:
        query = EventQuery(**filters, limit=limit)
    except TypeError as exc:
        raise StoreError(
            f"{exc}; the filters are actor, dyad, country, since, until, cameo, quadclass,"
            " modality and q"
        ) from exc
    path = Path(db)
    if not path.is_file():
        raise StoreError(f"no database at {path}; run `dateline code` first")
    with open_store(path, read_only=True) as store:
        relation = event_relation(store.connection, query, layout)
        if to == "arrow":
            return relation.to_arrow_table()
        if to == "polars":
            return relation.pl()
        if to == "pandas":
            return relation.df()
    raise StoreError(f"cannot return events as {to!r}: use pandas, polars or arrow")


# -- JSON records ------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _rows(relation: duckdb.DuckDBPyRelation) -> Iterator[dict[str, Any]]:
    columns = relation.columns
    for row in relation.fetchall():  # a DuckDB 2 relation keeps no cursor to page through
        yield {c: _jsonable(v) for c, v in zip(columns, row, strict=True)}


def _articles(connection: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    rows = connection.execute("SELECT article_id, title, source, url FROM articles").fetchall()
    return {a: {"title": t, "outlet": s, "url": u} for a, t, s, u in rows}


_PLOVER_QUAD = {
    "VERBAL COOPERATION": 1,
    "MATERIAL COOPERATION": 2,
    "VERBAL CONFLICT": 3,
    "MATERIAL CONFLICT": 4,
}
# GeoNames feature classes (geonames.org/export/codes.html) for dateline's place kinds.
_FEATURE_CLASS = {"country": "A", "admin1": "A", "city": "P", "sea": "H"}


def _plover_actor(actor: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not actor:
        return []
    code = str(actor.get("cameo_code") or "")
    return [
        {
            "code": actor.get("country") or code[:3] or None,
            "sector": actor.get("plover_sector") or actor.get("sector"),
            "actor_text": actor.get("text"),
            "identifier_id": actor.get("kb_id"),
            "identifier_text": actor.get("name"),
            "cameo_code": code or None,
        }
    ]


def plover_record(
    record: dict[str, Any], article: dict[str, Any] | None, rules_version: str = ""
) -> dict[str, Any]:
    """One event as a PLOVER JSON record (PLOVER manual, "JSON Data Fields"); fields
    PLOVER has no name for keep dateline's (`modality`, `date_precision`, ...)."""
    from dateline import __version__
    from dateline.codes import CameoCodes

    codes = CameoCodes.load()
    date = record.get("date") or {}
    location = record.get("location")
    plover_event = record.get("plover_event")
    quad = (
        _PLOVER_QUAD.get(codes.plover_quad_category(plover_event) or "") if plover_event else None
    )
    evidence = (record.get("evidence") or {}).get("trigger") or {}
    article = article or {}
    event_loc = None
    if location:
        country = location.get("country")
        feature = location.get("feature") or ""
        event_loc = {
            "geonameid": location.get("geonameid"),
            "name": location.get("name"),
            "latitude": location.get("lat"),
            "longitude": location.get("lon"),
            "feature class": _FEATURE_CLASS.get(feature, "L" if feature else None),
            "feature code": feature or None,
            "country code": country_codes().iso2.get(country) if country else None,
            "cc3": country,
        }
    return {
        "id": record["event_id"],
        "has_event": True,
        "date": date.get("start") or record.get("report_date"),
        "enddate": date.get("end") or record.get("report_date"),
        "date_value": date.get("value"),
        "date_precision": date.get("precision"),
        "report_date": record.get("report_date"),
        "source": _plover_actor(record.get("source")),
        "recipient": _plover_actor(record.get("target")),
        "event": [plover_event] if plover_event else [],
        "mode": [record["plover_mode"]] if record.get("plover_mode") else [],
        "context": [],
        "modality": record.get("modality"),
        "event_loc": event_loc,
        "event_text": [record.get("trigger")],
        "quad_code": quad,
        "event_scale": record.get("goldstein"),
        "cameo_code": record.get("cameo_code"),
        "text_info": {
            "sequence": record.get("sentence_index"),
            "start": evidence.get("start"),
            "end": evidence.get("end"),
            "sentence": str(record.get("sentence") or "").strip(),
        },
        "cite_info": {
            "citation": record.get("article_id"),
            "url": article.get("url"),
            "title": article.get("title"),
            "publication": article.get("outlet"),
            "coder": f"dateline {__version__}",
            "codebook": "CAMEO 1.1b3 / PLOVER 2021 (CAMEO2PLOVER)",
            "version": f"schema {record.get('schema_version')}, rules {record.get('rules_version') or rules_version}",
        },
    }


def _geojson_feature(row: dict[str, Any]) -> dict[str, Any]:
    properties = {k: v for k, v in row.items() if k not in {"location_lat", "location_lon"}}
    return {
        "type": "Feature",
        "id": row["event_id"],
        "geometry": {"type": "Point", "coordinates": [row["location_lon"], row["location_lat"]]},
        "properties": properties,
    }


# -- writing ------------------------------------------------------------------------------


def _writable(target: Path) -> Path:
    """`target` when its folder exists; a coded error that says so when not."""
    folder = target.parent
    if not folder.is_dir():
        raise StoreError(f"cannot write {target}: there is no folder {folder}")
    if target.is_dir() and any(target.iterdir()) and not target.suffix:
        return target  # a partitioned export's folder; _fresh_folder refuses it
    return target


def _fresh_folder(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise StoreError(
            f"{target} exists: a partitioned export writes a new folder; name one that does not exist"
        )


def _write_relation(
    relation: duckdb.DuckDBPyRelation,
    target: Path,
    format: str,
    header: bool,
    partition_by: list[str] | None = None,
) -> None:
    if format == "parquet":
        if partition_by:
            _fresh_folder(target)
            relation.write_parquet(str(target), partition_by=partition_by)
        else:
            relation.write_parquet(str(target))
    elif format in {"csv", "tsv"}:
        if partition_by:
            raise StoreError("--partition writes Parquet: use --format parquet")
        relation.write_csv(
            str(target), sep="\t" if format == "tsv" else ",", header=header, date_format="%Y-%m-%d"
        )
    else:
        raise StoreError(f"{format} is written record by record")


def _count(connection: duckdb.DuckDBPyConnection, table: str, query: Any) -> int:
    where, params = query.where()
    ((n,),) = connection.execute(f"SELECT count(*) FROM {table}{where}", params).fetchall()
    return min(int(n), query.limit) if query.limit else int(n)


def export_events(
    store: Store,
    path: str | Path,
    query: EventQuery | None = None,
    layout: str = "dateline",
    format: str | None = None,
    partition: str | None = None,
) -> int:
    """Write the selected events to `path` in `layout` and `format`; the number written."""
    target = _writable(Path(path))
    if layout not in LAYOUTS:
        raise StoreError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    kind = "parquet" if partition and not format else format_for(target, format)
    if partition and kind != "parquet":
        raise StoreError("--partition writes a folder of Parquet files: use --format parquet")
    query = query or EventQuery()
    connection = store.connection
    if layout == "plover" and kind != "jsonl":
        raise StoreError("the plover layout is JSON records: write .jsonl (or --format jsonl)")
    if kind == "jsonl" and layout in {"dateline", "plover"}:
        articles = _articles(connection)
        n = 0
        with target.open("w", encoding="utf-8") as handle:
            for record in store.events(query):
                article = articles.get(record["article_id"])
                if layout == "plover":
                    out = plover_record(record, article)
                else:
                    out = {**record, "article": article}
                handle.write(json.dumps(out, ensure_ascii=False) + "\n")
                n += 1
        return n
    relation = event_relation(connection, query, layout, partition)
    if kind == "geojson":
        if layout != "dateline":
            raise StoreError("GeoJSON carries the dateline layout: drop --layout")
        features = [
            _geojson_feature(row) for row in _rows(relation) if row.get("location_lat") is not None
        ]
        target.write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
            encoding="utf-8",
        )
        return len(features)
    if kind == "jsonl":
        n = 0
        with target.open("w", encoding="utf-8") as handle:
            for row in _rows(relation):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        return n
    partition_by = None
    if partition:
        partition_by = ["year", "month"] if partition == "month" else ["year"]
    _write_relation(relation, target, kind, header=layout != "gdelt", partition_by=partition_by)
    return _count(connection, "events", query)


# -- fused events ---------------------------------------------------------------------------

_FUSED_SELECT = (
    "SELECT f.fused_id, f.source_code, f.source_name, f.source_country, f.target_code,"
    " f.target_name, f.target_country, f.cameo_code, f.cameo_root, f.cameo_name,"
    " g.goldstein, g.quad_class, f.plover_event, f.plover_mode, f.modality,"
    " f.date_value, f.date_precision, f.date_start, f.date_end,"
    " f.location_name, f.location_country, p.lat AS location_lat, p.lon AS location_lon,"
    " p.geonameid AS location_geonameid,"
    " f.n_reports, f.n_sources, f.n_events, f.n_asserted, f.first_report, f.last_report,"
    " f.fusion_version, f.schema_version"
)


def fused_relation(
    connection: duckdb.DuckDBPyConnection, query: FusedQuery | None = None
) -> duckdb.DuckDBPyRelation:
    """Fused events with their Goldstein score and QuadClass (from their CAMEO code, as
    every event's) and the point of their place (from the reports that name it)."""
    from dateline.codes import CameoCodes

    codes = CameoCodes.load()
    table = [(c, codes.goldstein(c), codes.quad_class(c)) for c in codes.codes()]
    query = query or FusedQuery()
    where, params = query.where()
    sql = (
        "WITH g(code, goldstein, quad_class) AS (VALUES "
        + ", ".join(["(?, ?, ?)"] * len(table))
        + "), p AS (SELECT m.fused_id, e.location_name,"
        " avg(e.location_lat) AS lat, avg(e.location_lon) AS lon,"
        " min(TRY_CAST(e.record->>'$.location.geonameid' AS BIGINT)) AS geonameid"
        " FROM fused_members m JOIN events e ON e.event_id = m.event_id"
        " WHERE e.location_lat IS NOT NULL GROUP BY ALL)"
        f" {_FUSED_SELECT} FROM (SELECT * FROM fused_events{where}) f"
        " LEFT JOIN g ON g.code = f.cameo_code"
        " LEFT JOIN p ON p.fused_id = f.fused_id AND p.location_name = f.location_name"
        " ORDER BY coalesce(f.date_start, f.first_report), f.fused_id"
    )
    if query.limit:
        sql += " LIMIT ?"
        params = [*params, query.limit]
    return connection.query(sql, params=[*(v for row in table for v in row), *params])


def export_fused(
    store: Store, path: str | Path, query: FusedQuery | None = None, format: str | None = None
) -> int:
    """Write fused events: JSON Lines (nested, with members, Goldstein, QuadClass and the
    place's point added), or flat CSV, TSV and Parquet."""
    target = _writable(Path(path))
    kind = format_for(target, format)
    query = query or FusedQuery()
    relation = fused_relation(store.connection, query)
    if kind == "jsonl":
        flat = {row["fused_id"]: row for row in _rows(relation)}
        records = store.fused_events(query)
        with target.open("w", encoding="utf-8") as handle:
            for record in records:
                row = flat.get(record["fused_id"], {})
                for key in ("goldstein", "quad_class", "location_lat", "location_lon"):
                    record.setdefault(key, row.get(key))
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return len(records)
    if kind == "geojson":
        raise StoreError("fused events are exported as .jsonl, .csv, .tsv or .parquet")
    _write_relation(relation, target, kind, header=True)
    return _count(store.connection, "fused_events", query)
