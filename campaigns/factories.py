"""Factories for campaign pages and impunity figures, shared by the tests and the demo content."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from ifex.core.factories import PublishedPageFactory, default_locale

from .models import CampaignIndexPage, CampaignPage, ImpunityFigure, MemberDirectoryPage


class CampaignIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CampaignIndexPage

    title = "Campaigns"


class CampaignPageFactory(PublishedPageFactory):
    class Meta:
        model = CampaignPage

    title = factory.Sequence(lambda n: f"Campaign {n}")
    teaser = "A campaign of the network."


class MemberDirectoryPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = MemberDirectoryPage

    title = "Members"


class ImpunityFigureFactory(DjangoModelFactory):
    """A published figure (with its published revision, as the admin makes it);
    pass live=False for one that was never published."""

    class Meta:
        model = ImpunityFigure
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Figure {n}")
    kind = ImpunityFigure.Kind.COUNT
    value = 1700
    sentence = "journalists and media workers have been killed since 2006."
    source_name = "UNESCO Observatory of Killed Journalists"
    source_url = "https://www.unesco.org/en/safety-journalists/observatory"
    as_of = datetime.date(2026, 11, 1)
    locale = factory.LazyFunction(default_locale)
    live = True

    class Params:
        ratio = factory.Trait(kind=ImpunityFigure.Kind.RATIO, value=9, out_of=10)
        member_count = factory.Trait(
            kind=ImpunityFigure.Kind.LIVE,
            value=None,
            live_count="member_organisations",
            sentence="organisations make up the network.",
            source_name="",
            source_url="",
            as_of=None,
        )

    @factory.post_generation
    def publish(figure, create, extracted, **kwargs):
        if create and figure.live:
            figure.save_revision().publish()
