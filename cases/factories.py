"""Factories for cases, shared by the tests and the demo content."""

import datetime

import factory

from ifex.core.factories import CountryFactory, PublishedPageFactory

from .choices import Role, Status
from .models import CasePage, CaseReport, CaseStatusEvent


class CasePageFactory(PublishedPageFactory):
    """A published case; `statuses=[(status, date), ...]` for its history (one event if not)."""

    class Meta:
        model = CasePage

    title = factory.LazyAttribute(lambda case: case.person_name)
    person_name = factory.Sequence(lambda n: f"Demo Person {n}")
    role = Role.JOURNALIST
    # Some day from 2000 to 2024, different for each case (never in the future, however many).
    attacked_on = factory.Sequence(
        lambda n: datetime.date(2000, 1, 1) + datetime.timedelta(days=97 * n % 9000)
    )
    country = factory.SubFactory(CountryFactory)
    summary = "<p>Demo case: shot on the way home from the newsroom.</p>"

    @factory.post_generation
    def statuses(self, create, extracted, **kwargs):
        for status, confirmed_on in extracted or [(Status.COMPLETE_IMPUNITY, self.attacked_on)]:
            self.status_events.add(
                CaseStatusEvent(status=status, confirmed_on=confirmed_on, source_name="CPJ")
            )

    @factory.post_generation
    def reports(self, create, extracted, **kwargs):
        for page in extracted or ():
            self.reports.add(CaseReport(page=page))
