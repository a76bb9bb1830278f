"""Factories for articles and joint statements, shared by the tests and the demo content."""

import datetime

import factory
import wagtail_factories

from ifex.core.factories import CountryFactory, PublishedPageFactory, stream_data

from .models import (
    ArticleIndexPage,
    ArticlePage,
    DigestIndexPage,
    DigestPage,
    JointStatementPage,
    StatementIndexPage,
)


class ArticleIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticleIndexPage

    title = "Articles"


class StatementIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StatementIndexPage

    title = "Joint statements"


class NewsPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"News item {n}")
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    teaser = factory.LazyAttribute(lambda page: f"What happened: {page.title}.")
    body = factory.LazyFunction(
        lambda: stream_data([("paragraph", "<p>Demo text: replace with the real report.</p>")])
    )

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create:
            self.countries.set(extracted if extracted is not None else [CountryFactory()])

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class ArticlePageFactory(NewsPageFactory):
    class Meta:
        model = ArticlePage


class JointStatementPageFactory(NewsPageFactory):
    class Meta:
        model = JointStatementPage


class DigestIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = DigestIndexPage

    title = "Weekly digest"
    slug = "digest"


class DigestPageFactory(PublishedPageFactory):
    class Meta:
        model = DigestPage

    title = factory.Sequence(lambda n: f"Digest {n}")
    week_start = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(weeks=n))
