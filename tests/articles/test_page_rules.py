from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from articles.models import ArticleIndexPage, ArticlePage, JointStatementPage, StatementIndexPage
from campaigns.models import CampaignIndexPage, CampaignPage, HomePage, MemberDirectoryPage


class PageTreeRulesTest(WagtailPageTestCase):
    def test_home_page_offers_only_the_site_sections(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {ArticleIndexPage, StatementIndexPage, CampaignIndexPage, MemberDirectoryPage},
        )

    def test_home_page_sits_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_article_index_holds_only_articles(self):
        self.assertAllowedSubpageTypes(ArticleIndexPage, {ArticlePage})

    def test_statement_index_holds_only_joint_statements(self):
        self.assertAllowedSubpageTypes(StatementIndexPage, {JointStatementPage})

    def test_articles_live_only_under_the_article_index(self):
        self.assertAllowedParentPageTypes(ArticlePage, {ArticleIndexPage})

    def test_statements_live_only_under_the_statement_index(self):
        self.assertAllowedParentPageTypes(JointStatementPage, {StatementIndexPage})

    def test_campaign_pages_live_only_under_the_campaign_index(self):
        self.assertAllowedParentPageTypes(CampaignPage, {CampaignIndexPage})
        self.assertAllowedSubpageTypes(CampaignIndexPage, {CampaignPage})

    def test_leaf_pages_have_no_children(self):
        for leaf in (ArticlePage, JointStatementPage, CampaignPage, MemberDirectoryPage):
            self.assertAllowedSubpageTypes(leaf, set())

    def test_indexes_and_home_are_singletons(self):
        for singleton in (
            HomePage,
            ArticleIndexPage,
            StatementIndexPage,
            CampaignIndexPage,
            MemberDirectoryPage,
        ):
            assert singleton.max_count == 1, singleton
