"""Each export layout read back the way its anchor's users read it.

The column lists and types below are written from the anchors' codebooks (GDELT
2.0 event codebook, the ICEWS coded-event files, the PLOVER manual's "JSON Data
Fields"), not imported from dateline, so a reordered or renamed column fails.
Model-free: the events are built by hand.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from dateline.records import Article, Document, EventDate, EventLocation, Place, Span
from dateline.store import EventQuery, FusedQuery, Store, open_store
from dateline.store.query import timeline
from tests.fakes import make_article, make_event

pd = pytest.importorskip("pandas")

# GDELT 2.0 event table, codebook order.
GDELT = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
]
# The codebook types a GDELT reader gives: codes are text.
GDELT_TEXT = [c for c in GDELT if c.endswith("Code") or c.endswith("FeatureID")]
ICEWS = [
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude",
]  # fmt: skip
TOKYO = Place(
    id="p0", start=40, end=45, text="Tokyo", name="Tokyo", sentence_index=0, country="JPN",
    lat=35.6895, lon=139.6917, geonameid=1850147, feature="city", rule_id="test",
)  # fmt: skip


def _store() -> Store:
    """Three stories: a visit to Tokyo (042, with the place), a consultation dated in
    November, and one dated only "recently" (PAST_REF)."""
    text = "Japan's premier met China's envoy in Tokyo on Monday.\n\n"
    article = Article(
        id="s1", date=dt.date(2017, 4, 3), text=text, title="Visit to Tokyo",
        source="Test Wire", url="https://example.org/s1",
    )  # fmt: skip
    visit = dataclasses.replace(
        make_event(article, 0),
        sentence=text,
        cameo_code="042",
        cameo_name="Make a visit",
        goldstein=1.9,
        date=EventDate(value="2017-04-03", precision="day", basis="text",
                       start=dt.date(2017, 4, 3), end=dt.date(2017, 4, 3), text="Monday"),
        location=EventLocation(text="Tokyo", name="Tokyo", country="JPN", lat=35.6895, lon=139.6917),
        evidence={"trigger": Span(14, 17), "source": Span(0, 5), "place": Span(40, 45)},
    )  # fmt: skip
    plain = make_article(2)
    vague = dataclasses.replace(
        make_event(plain, 1),
        date=EventDate(value="PAST_REF", precision="ref", basis="text", text="recently"),
        location=None,
    )
    store = open_store(":memory:")
    store.start_run("r1", ["test"], "test")
    store.write(
        [
            Document(article=article, places=(TOKYO,), events=(visit,)),
            Document(article=plain, events=(make_event(plain, 0), vague)),
        ],
        "r1",
        "test",
    )
    store.finish_run("r1", {"read": 2})
    return store


@pytest.fixture
def store() -> Store:
    return _store()


def test_gdelt_reads_back_as_gdelt_users_read_it(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.tsv"
    assert store.export(path, layout="gdelt") == 3
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert not first.startswith("GLOBALEVENTID")  # no header, as GDELT ships it
    frame = pd.read_csv(
        path, sep="\t", header=None, names=GDELT, quoting=csv.QUOTE_NONE,
        dtype=dict.fromkeys(GDELT_TEXT, str),
    )  # fmt: skip
    assert frame.shape == (3, 61)
    visit = frame[frame["EventCode"] == "042"].iloc[0]
    assert visit["EventBaseCode"] == "042" and visit["EventRootCode"] == "04"
    assert visit["SQLDATE"] == 20170403 and visit["MonthYear"] == 201704
    assert visit["Actor1Code"] == "JPNGOV" and visit["Actor1CountryCode"] == "JPN"
    assert visit["Actor1Type1Code"] == "GOV" and visit["Actor1Name"] == "JAPAN"
    assert visit["QuadClass"] == 1 and visit["GoldsteinScale"] == pytest.approx(1.9)
    # GDELT's geography is FIPS 10-4: Japan is JA (ISO would say JP).
    assert visit["ActionGeo_Type"] == 4 and visit["ActionGeo_CountryCode"] == "JA"
    assert visit["ActionGeo_FullName"] == "Tokyo, Japan"
    assert visit["ActionGeo_Lat"] == pytest.approx(35.6895)
    assert visit["SOURCEURL"] == "https://example.org/s1"
    assert len(str(visit["DATEADDED"])) == 14
    assert frame["GLOBALEVENTID"].is_unique and frame["AvgTone"].isna().all()
    # A story dated only by its report: SQLDATE is the story's day, as in GDELT.
    november = frame[frame["EventCode"] == "040"]
    assert set(november["SQLDATE"]) == {20170403}


def test_icews_reads_back_as_icews_users_read_it(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.tab"
    store.export(path, layout="icews")
    frame = pd.read_table(path, converters={"CAMEO Code": str})
    assert list(frame.columns) == ICEWS
    visit = frame[frame["CAMEO Code"] == "042"].iloc[0]
    assert visit["Source Country"] == "Japan" and visit["Target Country"] == "China"
    assert visit["Source Sectors"] == "Government"
    assert visit["City"] == "Tokyo" and visit["Country"] == "Japan"
    assert visit["Sentence Number"] == 1 and visit["Publisher"] == "Test Wire"
    assert visit["Event Date"] == "2017-04-03" and visit["Intensity"] == pytest.approx(1.9)
    # Without the converter the ICEWS gotcha shows: that is why docs/analysis.md names it.
    assert 42 in set(pd.read_table(path)["CAMEO Code"])


def test_plover_records(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    store.export(path, layout="plover")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3
    for record in records:  # the manual's required fields
        assert {"id", "date", "source", "event"} <= set(record)
        assert isinstance(record["source"], list) and isinstance(record["event"], list)
    visit = next(r for r in records if r["cameo_code"] == "042")
    assert visit["event"] == ["CONSULT"] and visit["quad_code"] == 1
    assert visit["source"][0]["code"] == "JPN" and visit["recipient"][0]["code"] == "CHN"
    assert visit["event_loc"]["geonameid"] == 1850147
    assert visit["event_loc"]["country code"] == "JP" and visit["event_loc"]["cc3"] == "JPN"
    assert visit["event_loc"]["feature class"] == "P"
    assert visit["cite_info"]["url"] == "https://example.org/s1"
    vague = next(r for r in records if r["date_value"] == "PAST_REF")
    assert vague["date"] == "2017-04-03" and vague["date_precision"] == "ref"
    frame = pd.read_json(path, lines=True, dtype={"cameo_code": str})
    assert set(frame["cameo_code"]) == {"042", "040"}


def test_dateline_layout_keeps_types_and_the_story(store: Store, tmp_path: Path) -> None:
    store.export(tmp_path / "events.parquet")
    frame = pd.read_parquet(tmp_path / "events.parquet")
    assert frame["cameo_code"].tolist().count("042") == 1  # a string, zero kept
    visit = frame[frame["cameo_code"] == "042"].iloc[0]
    assert (visit["url"], visit["outlet"], visit["title"]) == (
        "https://example.org/s1", "Test Wire", "Visit to Tokyo",
    )  # fmt: skip
    assert visit["location_geonameid"] == 1850147 and visit["location_feature"] == "city"
    assert not visit["sentence"].endswith("\n")
    # CSV keeps no types: read it with the documented column types.
    from dateline.store.export import COLUMN_TYPES

    store.export(tmp_path / "events.csv")
    typed = pd.read_csv(tmp_path / "events.csv", dtype=COLUMN_TYPES["dateline"])
    assert "042" in set(typed["cameo_code"]) and "04" in set(typed["cameo_root"])
    polars = pytest.importorskip("polars")
    assert "042" in polars.read_parquet(tmp_path / "events.parquet")["cameo_code"].to_list()


def test_record_and_table_carry_the_place_ids(store: Store) -> None:
    record = next(r for r in store.events() if r["cameo_code"] == "042")
    assert record["location"]["geonameid"] == 1850147
    assert record["location"]["feature"] == "city"
    assert store.connection.execute(
        "SELECT location_geonameid, location_feature FROM events WHERE cameo_code = '042'"
    ).fetchall() == [(1850147, "city")]


def test_jsonl_records_carry_the_story(store: Store, tmp_path: Path) -> None:
    store.export(tmp_path / "events.jsonl")
    records = [json.loads(line) for line in (tmp_path / "events.jsonl").open()]
    visit = next(r for r in records if r["cameo_code"] == "042")
    assert visit["article"] == {
        "title": "Visit to Tokyo", "outlet": "Test Wire", "url": "https://example.org/s1",
    }  # fmt: skip


def test_partitioned_parquet_and_geojson(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "events"
    assert store.export(folder, partition="month") == 3
    assert (folder / "year=2017" / "month=4").is_dir()
    assert len(pd.read_parquet(folder)) == 3
    with pytest.raises(Exception, match="exists"):
        store.export(folder, partition="month")  # never overwrites a folder
    geo = json.loads(_export_text(store, tmp_path / "events.geojson"))
    assert geo["type"] == "FeatureCollection"
    points = {f["properties"]["cameo_code"]: f["geometry"]["coordinates"] for f in geo["features"]}
    assert points["042"] == [139.6917, 35.6895]  # GeoJSON is lon, lat
    assert len(geo["features"]) == 2  # the PAST_REF event has no place


def _export_text(store: Store, path: Path) -> str:
    store.export(path)
    return path.read_text(encoding="utf-8")


def test_export_filters_are_the_query_filters(store: Store, tmp_path: Path) -> None:
    query = EventQuery(cameo="042", country="chn")
    assert store.export(tmp_path / "one.csv", query) == 1
    assert len(pd.read_csv(tmp_path / "one.csv")) == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (EventQuery(cameo="4"), 3),  # one digit is a root
        (EventQuery(cameo="042"), 1),
        (EventQuery(cameo="04"), 3),
        (EventQuery(quadclass=1), 3),
        (EventQuery(quadclass=4), 0),
        (EventQuery(country="CHN"), 3),
        (EventQuery(country="USA"), 0),
        (EventQuery(q="TOKYO"), 1),
        (EventQuery(q="%"), 0),  # a substring, never a pattern
        (EventQuery(since=dt.date(2017, 4, 3)), 2),  # PAST_REF tests its report day
    ],
)
def test_filter_vocabulary(store: Store, query: EventQuery, expected: int) -> None:
    assert len(store.events(query)) == expected


def test_timeline_counts_vague_dates_apart_and_fills_periods(store: Store) -> None:
    result = timeline(store.connection, EventQuery(), interval="month", fill=True)
    periods = [b["period"] for b in result["buckets"]]
    assert periods == ["2016-11-01", "2016-12-01", "2017-01-01", "2017-02-01", "2017-03-01",
                       "2017-04-01"]  # fmt: skip
    assert result["buckets"][1]["counts"] == {}
    assert result["undated"] == 1 and result["spanning"] == 0
    assert sum(sum(b["counts"].values()) for b in result["buckets"]) == 2
    unfilled = timeline(store.connection, EventQuery(), interval="month")
    assert [b["period"] for b in unfilled["buckets"]] == ["2016-11-01", "2017-04-01"]


def test_fused_export_carries_scores_and_coordinates(tmp_path: Path) -> None:
    from dateline.fuse import fuse_store

    store = _store()
    fuse_store(store)
    store.export_fused(tmp_path / "fused.parquet")
    frame = pd.read_parquet(tmp_path / "fused.parquet")
    visit = frame[frame["cameo_code"] == "042"].iloc[0]
    assert visit["goldstein"] == pytest.approx(1.9) and visit["quad_class"] == 1
    assert visit["location_lat"] == pytest.approx(35.6895)
    store.export_fused(tmp_path / "fused.jsonl")
    records = [json.loads(line) for line in (tmp_path / "fused.jsonl").open()]
    assert all("goldstein" in r and "quad_class" in r for r in records)
    assert len(store.fused_events(FusedQuery(quadclass=1, q="tokyo"))) == 1


def test_an_older_store_exports_and_is_migrated_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    store = _store()
    store.connection.execute(f"ATTACH '{path}' AS old")
    for table in ("articles", "runs"):
        store.connection.execute(f"CREATE TABLE old.{table} AS SELECT * FROM {table}")
    store.connection.execute(
        "CREATE TABLE old.events AS SELECT * EXCLUDE (location_geonameid, location_feature)"
        " FROM events"
    )
    store.connection.execute("DETACH old")
    # Read-only (a server over a schema 1.0 file): opened as it is, and it still exports.
    with open_store(path, read_only=True) as old:
        assert old.export(tmp_path / "old.csv", layout="gdelt", format="csv") == 3
    with open_store(path) as migrated:
        columns = [row[0] for row in migrated.connection.execute("DESCRIBE events").fetchall()]
    assert {"location_geonameid", "location_feature"} <= set(columns)
