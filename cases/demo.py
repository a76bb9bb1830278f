"""Demo cases: invented, marked as demo on every page and in every name, never real people.
Enough of them, across countries, years, roles and statuses, for the filters, downloads and
counts to mean something. Roughly nine in ten end in impunity, as the monitors report."""

import datetime

from .choices import Role, Status
from .models import CaseIndexPage, CasePage, CaseStatusEvent

DEMO_NOTE = "<p><em>Demo case: invented for the demo site, not a real person.</em></p>"
SOURCES = {
    Status.NO_INFORMATION: "UNESCO Observatory of Killed Journalists (demo)",
    Status.INVESTIGATION_OPEN: "Committee to Protect Journalists (demo)",
    Status.COMPLETE_IMPUNITY: "Committee to Protect Journalists (demo)",
    Status.PARTIAL_JUSTICE: "Committee to Protect Journalists (demo)",
    Status.FULL_JUSTICE: "Committee to Protect Journalists (demo)",
}
# (country, role, year, status now, what happened)
CASES = [
    ("MX", Role.JOURNALIST, 2008, Status.COMPLETE_IMPUNITY, "shot outside the radio station"),
    (
        "MX",
        Role.JOURNALIST,
        2012,
        Status.COMPLETE_IMPUNITY,
        "found dead after covering a local election",
    ),
    (
        "MX",
        Role.MEDIA_WORKER,
        2016,
        Status.PARTIAL_JUSTICE,
        "a camera operator killed in an ambush",
    ),
    (
        "MX",
        Role.JOURNALIST,
        2022,
        Status.INVESTIGATION_OPEN,
        "shot in a car park after a broadcast",
    ),
    (
        "PH",
        Role.JOURNALIST,
        2009,
        Status.PARTIAL_JUSTICE,
        "killed with a group of reporters on the road",
    ),
    ("PH", Role.JOURNALIST, 2011, Status.COMPLETE_IMPUNITY, "shot while buying breakfast"),
    (
        "PH",
        Role.MEDIA_WORKER,
        2019,
        Status.COMPLETE_IMPUNITY,
        "a newspaper vendor shot at his stall",
    ),
    (
        "PH",
        Role.JOURNALIST,
        2023,
        Status.INVESTIGATION_OPEN,
        "a broadcaster shot at home during a show",
    ),
    (
        "CO",
        Role.JOURNALIST,
        2007,
        Status.COMPLETE_IMPUNITY,
        "killed after reporting on land seizures",
    ),
    ("CO", Role.ACTIVIST, 2018, Status.COMPLETE_IMPUNITY, "a community leader shot at a meeting"),
    (
        "CO",
        Role.DEFENDER,
        2021,
        Status.NO_INFORMATION,
        "a defender of displaced families found dead",
    ),
    ("BR", Role.JOURNALIST, 2013, Status.FULL_JUSTICE, "a blogger shot after exposing corruption"),
    ("BR", Role.JOURNALIST, 2015, Status.COMPLETE_IMPUNITY, "a radio host killed on his doorstep"),
    ("PK", Role.JOURNALIST, 2010, Status.COMPLETE_IMPUNITY, "killed by a bomb at a press club"),
    ("PK", Role.JOURNALIST, 2014, Status.COMPLETE_IMPUNITY, "abducted and found dead days later"),
    ("PK", Role.WRITER, 2020, Status.NO_INFORMATION, "a columnist shot outside a mosque"),
    ("HT", Role.JOURNALIST, 2019, Status.COMPLETE_IMPUNITY, "shot while covering a protest"),
    (
        "HT",
        Role.MEDIA_WORKER,
        2022,
        Status.INVESTIGATION_OPEN,
        "a driver for a news crew killed in crossfire",
    ),
    ("PS", Role.JOURNALIST, 2018, Status.COMPLETE_IMPUNITY, "shot while wearing a press vest"),
    ("PS", Role.JOURNALIST, 2024, Status.NO_INFORMATION, "killed in a strike on a press tent"),
    ("IR", Role.ARTIST, 2022, Status.COMPLETE_IMPUNITY, "a musician who died in custody"),
    (
        "UG",
        Role.JOURNALIST,
        2017,
        Status.COMPLETE_IMPUNITY,
        "beaten to death after a story on land",
    ),
    (
        "CD",
        Role.DEFENDER,
        2016,
        Status.COMPLETE_IMPUNITY,
        "a defender killed after denouncing militias",
    ),
    (
        "NP",
        Role.JOURNALIST,
        2009,
        Status.FULL_JUSTICE,
        "a reporter killed over a story on smuggling",
    ),
]
WITHHELD = {3, 10, 20}  # living relatives at risk: the demo shows names withheld too


def build_demo_cases(countries) -> list:
    index = CaseIndexPage.objects.order_by("path").first()
    if index is None:
        return []
    cases = []
    for number, (code, role, year, status, what) in enumerate(CASES, start=1):
        attacked_on = datetime.date(year, 1 + number % 12, 1 + number * 7 % 27)
        withheld = number in WITHHELD
        # A withheld name shares no word with what readers see (the page refuses it).
        person = f"Withheld Example {number:02d}" if withheld else f"Demo Person {number:02d}"
        title = f"Demo case {number:02d}: {what}" if withheld else f"{person} (demo case)"
        history = [(Status.NO_INFORMATION, attacked_on + datetime.timedelta(days=30))]
        if status != Status.NO_INFORMATION:
            history.append((Status.INVESTIGATION_OPEN, attacked_on + datetime.timedelta(days=200)))
        if status not in (Status.NO_INFORMATION, Status.INVESTIGATION_OPEN):
            history.append((status, datetime.date(2025, 11, 1)))
        case = CasePage(
            title=title,
            slug=f"demo-case-{number:02d}",
            person_name=person,
            name_withheld=withheld,
            role=role,
            attacked_on=attacked_on,
            country=countries[code],
            teaser=f"Demo case: {what}.",
            summary=f"{DEMO_NOTE}<p>{what.capitalize()}.</p>",
        )
        for status_now, confirmed_on in history:
            case.status_events.add(
                CaseStatusEvent(
                    status=status_now, confirmed_on=confirmed_on, source_name=SOURCES[status_now]
                )
            )
        index.add_child(instance=case)
        case.save_revision().publish()
        cases.append(case)
    return cases
