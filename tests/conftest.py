import contextlib
import threading
import uuid
from types import SimpleNamespace

import psycopg
import pytest

from tests.support import (
    MADE_AHEAD,
    Inbox,
    create_database,
    drop_database,
    made_ahead,
    running_site,
    scratch_database,
    server_connection_kwargs,
    smtp_server,
)

TEST_DATABASES_DROPPED = []
MIGRATED_TEMPLATE = f"scratch_template_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keeps a copy of the freshly migrated test database (`migrated_template`), before any
    test could change it.

    Django drops the test database at the end; a connection still open (a thread's, a child
    process's) makes that fail with "being accessed by other users" and leaves it behind.
    Close them all first."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        connection.close()  # a template may have no one connected
        create_database(MIGRATED_TEMPLATE, template=name)
    yield
    drop_database(MIGRATED_TEMPLATE)
    with django_db_blocker.unblock():
        connection.close()
        with psycopg.connect(**server_connection_kwargs(), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
    TEST_DATABASES_DROPPED.append(name)


@pytest.fixture(scope="session")
def migrated_template(django_db_setup):
    """A database as `migrate` leaves it, to copy for the servers the tests start: their
    `migrate` then finds nothing to do (28 s of CPU less each). One server, `test_faults`' own
    PostgreSQL, still starts from nothing, as on a new machine (`faults_database`)."""
    return MIGRATED_TEMPLATE


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a test database outlived it (the next run would trip over it)."""
    if not TEST_DATABASES_DROPPED:
        return
    with psycopg.connect(**server_connection_kwargs(), autocommit=True) as admin:
        left = admin.execute(
            "SELECT datname FROM pg_database WHERE datname = ANY(%s) OR datname LIKE 'scratch_%%'",
            [TEST_DATABASES_DROPPED],
        ).fetchall()
    if left:
        print(f"\nTest databases left behind: {', '.join(row[0] for row in left)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a page cached by one test's database is not the
    next one's."""
    from django.core.cache import cache

    from ifex.core.page_cache import KEPT_BY_WORKER, known

    cache.clear()
    KEPT_BY_WORKER.clear()
    # The page cache's versions as the test database has them at each start: none replaced yet
    # (a test's changes are rolled back with it).
    known.take([])


@pytest.fixture(autouse=True)
def in_english():
    """Each test starts in English. A request activates its page's language for the rest of the
    thread (Django's LocaleMiddleware leaves it), so a test reading /ar/ would leave the next
    test's code in Arabic."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


class Prepared:
    """A server a later test needs, started on a thread while other tests run: the tests keep
    one of the machine's two cores busy, and starting `make run` (migrations, the demo in four
    languages, renditions) takes most of a minute of the other's."""

    def __init__(self, make):
        self.stack = contextlib.ExitStack()
        self.made = None
        self.error = None
        self.thread = threading.Thread(target=self.make, args=(make,), daemon=True)
        self.thread.start()

    def make(self, make):
        try:
            self.made = make(self.stack)
        except BaseException as error:  # raised in the test that needs it
            self.error = error

    def get(self):
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.made

    def close(self):
        self.thread.join()
        self.stack.close()


# The made-ahead fixtures a collected test uses (pytest_collection_modifyitems).
NEEDED_AHEAD = set()


@pytest.fixture(scope="session", autouse=True)
def prepared(request, tmp_path_factory):
    """What this run's tests will need, started at its first test: {name: Prepared}."""
    started = {}

    def start(name):
        if name not in started:
            started[name] = Prepared(MADE_AHEAD[name](request, tmp_path_factory))
        return started[name]

    for name in sorted(NEEDED_AHEAD):
        start(name)
    yield start
    for item in started.values():
        item.close()


@made_ahead("demo_site")
def demo_site_maker(request, tmp_path_factory):
    template = request.getfixturevalue("migrated_template")
    var_dir = tmp_path_factory.mktemp("var")

    def make(stack):
        url = stack.enter_context(scratch_database(template))
        # Up for the whole run now: its periodic jobs (a process each) every five minutes, not
        # every minute; no test waits for them (test_serve runs the scheduler itself).
        serving = running_site(url, var_dir, PUBLISH_SCHEDULED_EVERY="300")
        base, process = stack.enter_context(serving)
        return SimpleNamespace(base=base, process=process, var_dir=var_dir, database_url=url)

    return make


@made_ahead("faults_database")
def faults_database_maker(request, tmp_path_factory):
    """A new machine's first `make run` (its own PostgreSQL, from nothing), stopped once it
    serves: test_faults starts the site again on it."""
    folder = tmp_path_factory.mktemp("faults")
    pgdata, var_dir = folder / "pgdata", folder / "var"

    def make(stack):
        with running_site(None, var_dir, EMBEDDED_PGDATA=str(pgdata), DEMO_LANGUAGES=""):
            pass
        return SimpleNamespace(pgdata=pgdata, var_dir=var_dir)

    return make


@pytest.fixture(scope="session")
def demo_site(prepared):
    """`make run` (gunicorn, production settings, demo content) on a database of its own, once
    for the session: the browser tests and the end-to-end checks of `make run` share it."""
    return prepared("demo_site").get()


@pytest.fixture(scope="session")
def faults_database(prepared):
    return prepared("faults_database").get()


@pytest.fixture
def home(db):
    from campaigns.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def case_index(home):
    """The case section the migrations made, as on every site."""
    from cases.models import CaseIndexPage

    return CaseIndexPage.objects.get()


@pytest.fixture
def mexico():
    from ifex.core.factories import CountryFactory

    return CountryFactory(iso_code="MX", name="Mexico")


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


@pytest.fixture
def private_collection(db):
    """A collection only signed-in users may see (Wagtail's collection privacy)."""
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="Board only")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    return collection


@pytest.fixture
def login_as(client, django_user_model):
    """Signs the test client in as a new member of a role's group; returns the user."""
    from django.contrib.auth.models import Group

    from tests.support import ROLES

    def login(role):
        user = django_user_model.objects.create_user(role, f"{role}@example.org", "pw")
        user.groups.add(Group.objects.get(name=ROLES[role]))
        client.force_login(user)
        return user

    return login


def pytest_collection_modifyitems(items):
    """pytest-django makes the test database only when a collected test asks for one; a test
    that copies the migrated template asks too, or the copy would be of the site's own
    database (running test_cluster.py alone did exactly that). So does one of the demo site's
    (`prepared` asks for the template; no test names it)."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        ahead = set(MADE_AHEAD).intersection(fixtures)
        if "migrated_template" in fixtures or ahead:
            item.add_marker(pytest.mark.django_db)
        NEEDED_AHEAD.update(ahead)


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server (aiosmtpd) that Django's mail goes to: its Inbox."""
    inbox = Inbox()
    with smtp_server(inbox) as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = "noimpunity@example.org"
        yield inbox


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys of each read of the shared cache, one list per round trip."""
    from django.core.cache import caches

    backend = caches["default"]
    reads, depth = [], [0]

    def recording(method):
        def read_and_record(keys, *args, **kwargs):
            if not depth[0]:  # get_many may call get: count the outer read only
                reads.append([keys] if isinstance(keys, str) else list(keys))
            depth[0] += 1
            try:
                return method(keys, *args, **kwargs)
            finally:
                depth[0] -= 1

        return read_and_record

    for name in ("get", "get_many"):
        monkeypatch.setattr(backend, name, recording(getattr(backend, name)))
    return reads


@pytest.fixture
def dead_redis(settings):
    """The site's cache is a Redis server that is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "ifex.core.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
