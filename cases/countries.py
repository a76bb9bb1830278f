"""Country names as sources write them, mapped to the site's countries (ISO 3166 codes).

An exact name, never a guess: CPJ's own spellings listed here, then ISO's names as pycountry
keeps them (the name, the official name, the common name, letter for letter but for case), then
a mapping staff confirmed once (CountryNameMapping). A name none of these knows rejects the row.

Two of CPJ's names are decisions:
- "Yugoslavia" is the historical country, ISO 3166-3's withdrawn code YU: CPJ counts deaths there
  before the country broke apart, and naming one of today's countries would be a guess.
- "Israel and the Occupied Palestinian Territory" is one category in CPJ's record, covering two
  ISO entries (IL and PS). Choosing one for each case would be our guess about where each death
  happened, so the site keeps CPJ's category as a country of its own, with XP, a code from the
  range ISO 3166-1 leaves to users (XA-XZ) and never gives to a country. The locality beside it
  stays as CPJ records it.
"""

import pycountry

from ifex.core.models import Country, Region

CPJ_NAMES = {
    "USA": "US",
    "UK": "GB",
    "Ivory Coast": "CI",
    "Bosnia": "BA",
    "East Timor": "TL",
    "Republic of Congo": "CG",
    "Democratic Republic of the Congo": "CD",
    "Yugoslavia": "YU",
    "Serbia and Montenegro": "CS",
    "USSR": "SU",
    "Israel and the Occupied Palestinian Territory": "XP",
    "Palestine": "PS",
    "Kosovo": "XK",
    "Russia": "RU",
    "Syria": "SY",
    "Iran": "IR",
    "Tanzania": "TZ",
    "Venezuela": "VE",
    "Bolivia": "BO",
    "Vietnam": "VN",
    "Laos": "LA",
    "Turkey": "TR",
    "Moldova": "MD",
    "South Korea": "KR",
    "North Korea": "KP",
    "Burma": "MM",
    "Taiwan": "TW",
    "Macedonia": "MK",
    "Czech Republic": "CZ",
    "Cape Verde": "CV",
    "Swaziland": "SZ",
}

# The site's name for a country it adds, where ISO's is not the one readers know.
SITE_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "BA": "Bosnia and Herzegovina",
    "CG": "Republic of the Congo",
    "CD": "Democratic Republic of the Congo",
    "YU": "Yugoslavia",
    "CS": "Serbia and Montenegro",
    "SU": "Soviet Union",
    "XP": "Israel and the Occupied Palestinian Territory",
    "XK": "Kosovo",
    "PS": "Palestine",
    "KR": "South Korea",
    "KP": "North Korea",
    "TR": "Turkey",
}

# The site's regions (ifex/core/migrations/0002_regions.py), as the monitors group countries.
REGION_CODES = {
    "africa": (
        "AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ GQ ER SZ ET GA GM GH GN GW KE LS LR MG MW ML "
        "MR MU YT MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG UG ZM ZW"
    ),
    "americas": (
        "AI AG AR AW BS BB BZ BM BO BQ BR VG CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT "
        "GY HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX SR TT TC US UM VI UY VE GS AN"
    ),
    "asia-pacific": (
        "AF AS AU BD BT BN KH CN CX CC CK FJ PF GU HK IN ID JP KI KP KR LA MO MY MV MH FM MN MM "
        "NR NP NC NZ NU NF MP PK PW PG PH PN WS SG SB LK TW TH TL TK TO TV VU VN WF IO HM TF"
    ),
    "europe-central-asia": (
        "AL AD AM AT AZ BY BE BA BG HR CY CZ DK EE FO FI FR GE DE GI GR GG HU IS IE IM IT JE KZ "
        "XK KG LV LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH TJ TR TM UA "
        "GB UZ VA AX YU CS SU"
    ),
    "middle-east-north-africa": ("DZ BH EG IR IQ IL JO KW LB LY MA OM PS QA SA SY TN AE YE EH XP"),
}
REGION_OF = {code: slug for slug, codes in REGION_CODES.items() for code in codes.split()}


def iso_code_for(source: str, name: str) -> str | None:
    """The ISO code a source's country name stands for, or None: exact names only."""
    from .models import CountryNameMapping

    name = name.strip()
    confirmed = CountryNameMapping.objects.filter(source=source, name=name).first()
    if confirmed:
        return confirmed.country.iso_code
    if source == "cpj" and name in CPJ_NAMES:
        return CPJ_NAMES[name]
    for field in ("name", "official_name", "common_name"):
        found = pycountry.countries.get(**{field: name})
        if found:
            return found.alpha_2
    return None


def site_name_for(code: str, source_name: str) -> str:
    if code in SITE_NAMES:
        return SITE_NAMES[code]
    found = pycountry.countries.get(alpha_2=code)
    iso_name = getattr(found, "common_name", None) or getattr(found, "name", "")
    # ISO's inverted names ("Iran, Islamic Republic of") are not how readers say them.
    return iso_name if iso_name and "," not in iso_name else source_name


def site_country(code: str, source_name: str, locale) -> Country | None:
    """The site's country with this code, added (named, in its region) when the site has none
    yet. None when the code has no region here: the row is then rejected, not guessed."""
    country = Country.objects.filter(iso_code=code, locale=locale).first()
    if country or code not in REGION_OF:
        return country
    region = Region.objects.filter(slug=REGION_OF[code], locale=locale).first()
    if region is None:
        return None
    return Country.objects.create(
        iso_code=code, name=site_name_for(code, source_name), region=region, locale=locale
    )
