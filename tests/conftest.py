import pytest

from tests.support import scratch_database


@pytest.fixture
def scratch_database_url():
    """An empty database on the test server, for a process started from a test (`make run`)."""
    with scratch_database() as url:
        yield url


@pytest.fixture
def home(db):
    from campaigns.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def article_index(home):
    """The site sections are made by migrations, as on every real site."""
    from articles.models import ArticleIndexPage

    return ArticleIndexPage.objects.get()


@pytest.fixture
def statement_index(home):
    from articles.models import StatementIndexPage

    return StatementIndexPage.objects.get()


@pytest.fixture
def campaign_index(home):
    from campaigns.models import CampaignIndexPage

    return CampaignIndexPage.objects.get()


@pytest.fixture
def directory(home):
    from campaigns.models import MemberDirectoryPage

    return MemberDirectoryPage.objects.get()


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    return client
