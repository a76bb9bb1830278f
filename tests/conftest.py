import uuid
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import sql


def server_connection_kwargs() -> dict:
    db = settings.DATABASES["default"]
    kwargs = {"user": db["USER"], "host": db["HOST"], "dbname": "postgres"}
    if db.get("PORT"):
        kwargs["port"] = db["PORT"]
    if db.get("PASSWORD"):
        kwargs["password"] = db["PASSWORD"]
    return kwargs


def database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"], safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{credentials}@{host}{port}/{name}"


@pytest.fixture
def scratch_database_url():
    """An empty database on the test server, for a process started from a test (`make run`)."""
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**server_connection_kwargs(), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield database_url(name)
    with psycopg.connect(**server_connection_kwargs(), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


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
