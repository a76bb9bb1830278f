"""History, revert, locking, scheduling and the stale reminder for the impunity figures."""

import datetime
import re
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.factories import ImpunityFigureFactory
from campaigns.models import ImpunityFigure
from tests.campaigns.test_editorial_roles import figure_form
from tests.campaigns.test_review_workflow import client_in_group

pytestmark = pytest.mark.django_db


def staff_client(django_user_model, username):
    client = client_in_group(django_user_model, username, "Campaign staff")
    return client, django_user_model.objects.get(username=username)


@pytest.fixture
def staff(django_user_model):
    return staff_client(django_user_model, "campaigner")


def url(name, *args):
    return reverse(f"wagtailsnippets_campaigns_impunityfigure:{name}", args=args)


def publish_value(client, figure, value, **changes):
    response = client.post(
        url("edit", figure.pk),
        {**figure_form(figure, value=value, **changes), "action-publish": "1"},
    )
    assert response.status_code == 302, response.content[:2000]
    figure.refresh_from_db()
    return figure


def test_every_change_is_a_revision_with_author_and_time(staff):
    client, user = staff
    figure = ImpunityFigureFactory(value=1700)
    publish_value(client, figure, 1750)
    publish_value(client, figure, 1800)
    revisions = list(figure.revisions.filter(user=user).order_by("created_at"))
    assert [revision.content["value"] for revision in revisions] == [1750, 1800]
    assert all(revision.user == user and revision.created_at for revision in revisions)
    history = client.get(url("history", figure.pk))
    assert history.status_code == 200
    assert b"campaigner" in history.content


def test_two_revisions_can_be_compared(staff):
    client, _ = staff
    figure = ImpunityFigureFactory(value=1700)
    publish_value(client, figure, 1750)
    publish_value(client, figure, 1800)
    first, second = figure.revisions.order_by("created_at")[1:]
    response = client.get(url("revisions_compare", figure.pk, first.pk, second.pk))
    assert response.status_code == 200
    assert b"1750" in response.content and b"1800" in response.content


def test_figures_can_be_reverted_to_an_earlier_revision(staff):
    client, _ = staff
    figure = ImpunityFigureFactory(value=1700)
    publish_value(client, figure, 1750)
    first = figure.latest_revision
    publish_value(client, figure, 1800)

    revert_url = url("revisions_revert", figure.pk, first.pk)
    form = client.get(revert_url)
    assert form.status_code == 200 and b'value="1750"' in form.content
    response = client.post(revert_url, {**figure_form(figure, value=1750), "action-publish": "1"})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == 1750
    assert figure.revisions.count() == 4, "reverting adds a revision; nothing is lost"


def test_a_locked_figure_cannot_be_overwritten_by_someone_else(staff, django_user_model):
    holder, _ = staff
    figure = ImpunityFigureFactory(value=1700)
    assert holder.post(url("lock", figure.pk)).status_code == 302
    figure.refresh_from_db()
    assert figure.locked

    other, _ = staff_client(django_user_model, "other-campaigner")
    response = other.post(
        url("edit", figure.pk), {**figure_form(figure, value=9999), "action-publish": "1"}
    )
    figure.refresh_from_db()
    assert figure.value == 1700
    assert not figure.revisions.filter(content__value=9999).exists()
    assert response.status_code == 200
    assert b"could not be saved as it is locked" in response.content, "told, not silently lost"

    publish_value(holder, figure, 1800)
    assert figure.value == 1800, "the person holding the lock can still publish"


def test_a_scheduled_figure_goes_live_with_publish_scheduled(staff):
    client, _ = staff
    figure = ImpunityFigureFactory(value=1700)
    go_live = timezone.now() + datetime.timedelta(hours=1)
    client.post(
        url("edit", figure.pk),
        {
            **figure_form(figure, value=1800),
            "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
            "action-publish": "1",
        },
    )
    figure.refresh_from_db()
    assert figure.value == 1700, "not before its time"
    assert figure.revisions.filter(approved_go_live_at__isnull=False).exists()

    call_command("publish_scheduled", stdout=StringIO())
    figure.refresh_from_db()
    assert figure.value == 1700

    two_hours_later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=two_hours_later):
        call_command("publish_scheduled", stdout=StringIO())
    figure.refresh_from_db()
    assert figure.value == 1800


def test_public_history_shows_published_values_in_order(staff, client):
    admin_side, _ = staff
    figure = ImpunityFigureFactory(value=1700, live=False)
    publish_value(admin_side, figure, 1700, as_of="2024-11-02", method_note="Counted by UNESCO.")
    publish_value(admin_side, figure, 1800, as_of="2025-11-02")
    admin_side.post(url("edit", figure.pk), figure_form(figure, value=9999))  # a draft

    html = client.get("/how-we-count/").content.decode()
    first, second = html.index(">1,700<"), html.index(">1,800<")
    assert first < second
    assert "2 November 2024" in html and "2 November 2025" in html
    assert "Counted by UNESCO." in html
    assert "9,999" not in html, "drafts never show"


def test_stats_block_links_to_the_public_history(client, campaign_index):
    from campaigns.factories import CampaignPageFactory
    from ifex.core.factories import stream_data

    figure = ImpunityFigureFactory()
    page = CampaignPageFactory(
        parent=campaign_index,
        body=stream_data([("stats", {"heading": "", "figures": [figure.pk]})]),
    )
    assert 'href="/how-we-count/"' in client.get(page.url).content.decode()


def test_old_figures_are_flagged_for_checking(settings):
    settings.FIGURE_STALE_AFTER_DAYS = 180
    today = timezone.localdate()
    old = ImpunityFigureFactory(as_of=today - datetime.timedelta(days=181))
    fresh = ImpunityFigureFactory(as_of=today - datetime.timedelta(days=10))
    live = ImpunityFigureFactory(member_count=True)
    assert old.is_stale and not fresh.is_stale and not live.is_stale
    assert list(ImpunityFigure.objects.stale()) == [old]


def test_the_stale_limit_is_configurable(settings):
    figure = ImpunityFigureFactory(as_of=timezone.localdate() - datetime.timedelta(days=40))
    settings.FIGURE_STALE_AFTER_DAYS = 30
    assert figure.is_stale
    settings.FIGURE_STALE_AFTER_DAYS = 60
    assert not figure.is_stale


def test_dashboard_lists_stale_figures_for_campaign_staff(staff):
    client, _ = staff
    ImpunityFigureFactory(name="Old count", as_of=datetime.date(2020, 1, 1))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Impunity figures to check" in html and "Old count" in html


def test_figure_listing_flags_stale_figures_and_only_them(staff):
    client, _ = staff
    ImpunityFigureFactory(name="Old count", as_of=datetime.date(2020, 1, 1))
    ImpunityFigureFactory(name="Fresh count", as_of=timezone.localdate())
    html = client.get(url("list")).content.decode()
    rows = {
        name: row
        for row in html.split("<tr")[1:]
        for name in ("Old count", "Fresh count")
        if name in row
    }
    assert "Needs checking" in html
    assert "Yes: check the source" in rows["Old count"]
    assert "Yes: check the source" not in rows["Fresh count"]
    assert re.search(r">\s*No\s*<", rows["Fresh count"])


def test_a_future_as_of_date_is_refused(staff):
    client, _ = staff
    figure = ImpunityFigureFactory(value=1700)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url("edit", figure.pk),
        {**figure_form(figure, as_of=tomorrow.isoformat()), "action-publish": "1"},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    figure.refresh_from_db()
    assert figure.as_of != tomorrow


def test_the_public_record_outlives_unpublishing_deleting_and_purged_revisions(staff, client):
    from django.core.management import call_command

    from campaigns.models import FigurePublication

    admin_side, _ = staff
    kept = ImpunityFigureFactory(name="Killed", value=1700, live=False)
    publish_value(admin_side, kept, 1700, as_of="2024-11-02")
    publish_value(admin_side, kept, 1800, as_of="2025-11-02")
    retired = ImpunityFigureFactory(name="Old ratio", live=False, ratio=True)
    publish_value(admin_side, retired, 8, kind="ratio", out_of=10, as_of="2023-05-01")
    gone = ImpunityFigureFactory(name="Deleted", value=42, live=False)
    publish_value(admin_side, gone, 42, as_of="2022-01-01")

    retired.refresh_from_db()
    retired.unpublish()
    gone.delete()
    call_command("purge_revisions", days=0, stdout=StringIO())

    record = FigurePublication.objects.order_by("published_at")
    assert [(p.figure_name, p.display_value) for p in record] == [
        ("Killed", "1,700"),
        ("Killed", "1,800"),
        ("Old ratio", "8 out of 10"),
        ("Deleted", "42"),
    ]
    assert record.first().published_by_name == "campaigner"

    html = client.get("/how-we-count/").content.decode()
    assert html.index(">1,700<") < html.index(">1,800<")
    assert "8 out of 10" in html and ">42<" in html
    assert html.count(">Retired<") == 2, "the unpublished and the deleted figure"


def test_the_record_is_filled_from_what_was_published_before_it_existed(staff):
    import importlib

    from django.apps import apps

    from campaigns.models import FigurePublication

    admin_side, _ = staff
    figure = ImpunityFigureFactory(name="Killed", value=1700, live=False)
    publish_value(admin_side, figure, 1700, as_of="2024-11-02", method_note="UNESCO count.")
    publish_value(admin_side, figure, 1800, as_of="2025-11-02")
    fields = ["figure_id", "figure_name", "display_value", "as_of", "method_note", "published_at"]
    written_on_publish = list(FigurePublication.objects.values_list(*fields))
    with connection.cursor() as cursor:  # the table as it was before the migration: empty
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE campaigns_figurepublication")

    migration = importlib.import_module("campaigns.migrations.0008_figure_public_record_backfill")
    migration.backfill(apps, None)
    assert list(FigurePublication.objects.values_list(*fields)) == written_on_publish


def record_url(name, *args):
    return reverse(f"wagtailsnippets_campaigns_figurepublication:{name}", args=args)


def test_staff_mark_a_wrong_value_as_corrected_and_it_stays_on_the_record(staff, client):
    from campaigns.models import FigurePublication

    admin_side, _ = staff
    figure = ImpunityFigureFactory(name="Killed", value=1700, live=False)
    publish_value(admin_side, figure, 1700, as_of="2025-11-02")
    publish_value(admin_side, figure, 1700, as_of="2025-10-02")
    wrong = FigurePublication.objects.get(as_of=datetime.date(2025, 11, 2))

    assert admin_side.get(record_url("list")).status_code == 200
    saved = admin_side.post(
        record_url("edit", wrong.pk), {"correction_note": "Corrected: the date was wrong."}
    )
    assert saved.status_code == 302
    wrong.refresh_from_db()
    assert wrong.corrected_at is not None and wrong.value == 1700, "only the note changed"

    html = client.get("/how-we-count/").content.decode()
    assert "Corrected: the date was wrong." in html
    assert "2 November 2025" in html and "2 October 2025" in html, "both rows stay"
    assert FigurePublication.objects.count() == 2


def test_no_one_adds_or_deletes_a_row_of_the_record(staff, admin_client):
    from campaigns.models import FigurePublication

    campaigner, _ = staff
    figure = ImpunityFigureFactory(name="Killed", value=1700, live=False)
    publish_value(campaigner, figure, 1700, as_of="2025-11-02")
    row = FigurePublication.objects.get()
    for client in (campaigner, admin_client):
        assert client.get(record_url("add")).status_code in (302, 403)
        client.post(record_url("delete", row.pk))
        listing = client.get(record_url("list")).content.decode()
        assert record_url("add") not in listing
    assert FigurePublication.objects.filter(pk=row.pk).exists()


def test_the_record_is_append_only_below_the_admin_too(staff, django_user_model):
    """Code deletes no row and changes no published value, whatever road it takes: the model
    and its querysets refuse with a clear error, and the database itself refuses the rest.
    Only a correction is added; a deleted figure or user leaves its row, unlinked."""
    from campaigns.models import FigurePublication, PublicRecordIsAppendOnly

    campaigner, user = staff
    figure = publish_value(campaigner, ImpunityFigureFactory(name="Killed", live=False), 1700)
    row = FigurePublication.objects.get()
    rows = FigurePublication.objects.filter(pk=row.pk)

    for refused in (
        row.delete,
        rows.delete,
        FigurePublication.objects.all().delete,
        lambda: rows.update(value=1),
        lambda: rows.update(display_value="1", correction_note="Corrected."),
        lambda: FigurePublication.objects.bulk_update([row], ["value"]),
    ):
        with pytest.raises(PublicRecordIsAppendOnly, match="public record"), transaction.atomic():
            refused()
    changed = FigurePublication.objects.get()
    changed.value = 1
    for bypass in (
        changed.save,
        lambda: rows._raw_delete(connection.alias),
        lambda: connection.cursor().execute(
            "UPDATE campaigns_figurepublication SET value = 1, display_value = '1'"
        ),
        lambda: connection.cursor().execute("DELETE FROM campaigns_figurepublication"),
    ):
        with pytest.raises(IntegrityError, match="public record"), transaction.atomic():
            bypass()

    assert rows.update(correction_note="Corrected: the date was wrong.") == 1
    figure.delete()
    user.delete()
    row.refresh_from_db()
    assert (row.figure_id, row.published_by_id, row.value) == (None, None, 1700)
    assert (row.published_by_name, row.correction_note) == (
        "campaigner",
        "Corrected: the date was wrong.",
    )


def test_editors_cannot_touch_the_record(django_user_model):
    from tests.campaigns.test_review_workflow import client_in_group

    editor = client_in_group(django_user_model, "editor", "Editors")
    assert editor.get(record_url("list")).status_code in (302, 403)


@pytest.mark.parametrize(
    ("kind", "kept", "emptied"),
    [
        ("count", {"value": 1700}, {"out_of": None, "live_count": ""}),
        ("ratio", {"value": 9, "out_of": 10}, {"live_count": ""}),
        ("live", {"live_count": "member_organisations"}, {"value": None, "out_of": None}),
    ],
)
def test_a_figure_keeps_only_the_fields_its_kind_uses(client, login_as, kind, kept, emptied):
    """The form hides the other kinds' fields; what they held is not kept out of sight."""
    figure = ImpunityFigureFactory(value=9, out_of=10)
    login_as("campaigner")
    url = reverse("wagtailsnippets_campaigns_impunityfigure:edit", args=[figure.pk])
    leftovers = {"value": 9, "out_of": 10, "live_count": "member_organisations"}

    response = client.post(url, figure_form(figure, kind=kind, **{**leftovers, **kept}))

    assert response.status_code == 302
    draft = ImpunityFigure.objects.get(pk=figure.pk).get_latest_revision_as_object()
    for field, value in {**kept, **emptied}.items():
        assert getattr(draft, field) == value, field


def test_a_correction_is_on_the_record_at_once_not_after_the_next_publish(staff, client):
    from campaigns.models import FigurePublication

    admin_side, _ = staff
    figure = ImpunityFigureFactory(name="Killed", value=1700, live=False)
    publish_value(admin_side, figure, 1700, as_of="2025-11-02")
    client.get("/how-we-count/")
    client.get("/how-we-count/csv/")
    assert client.get("/how-we-count/")["X-Page-Cache"] == "hit", "kept, as readers get it"

    record = FigurePublication.objects.get()
    admin_side.post(record_url("edit", record.pk), {"correction_note": "Corrected: wrong date."})
    assert "Corrected: wrong date." in client.get("/how-we-count/").content.decode()
    assert "Corrected: wrong date." in client.get("/how-we-count/csv/").content.decode()


def test_a_live_count_names_its_source_once(client, home):
    ImpunityFigureFactory(member_count=True)
    html = client.get("/how-we-count/").content.decode()
    assert "the The" not in html
    assert "This figure is counted live (The network&#x27;s member directory)" in html


def test_a_correction_reaches_the_record_in_every_language_at_once(staff, client):
    from wagtail.models import Locale

    from campaigns.models import FigurePublication

    admin_side, _ = staff
    figure = ImpunityFigureFactory(name="Killed", value=1700, live=False)
    for language in ("fr", "es", "ar"):
        copy = figure.copy_for_translation(Locale.objects.get(language_code=language))
        copy.save()
        copy.save_revision().publish()
    publish_value(admin_side, figure, 1700, as_of="2025-11-02")
    records = {
        language: reverse_in(language, "figure_history") for language in ("en", "fr", "es", "ar")
    }
    for address in records.values():
        client.get(address)  # each record kept, as readers get it

    english = FigurePublication.objects.get(language="en", as_of=datetime.date(2025, 11, 2))
    saved = admin_side.post(
        record_url("edit", english.pk), {"correction_note": "Corrected: the date was wrong."}
    )
    assert saved.status_code == 302

    corrected = {"en": "Corrected", "fr": "Corrigé", "es": "Corregido", "ar": "مصحَّح"}
    for language, address in records.items():
        html = client.get(address).content.decode()
        assert corrected[language] in html, language
        assert "<bdi>Corrected: the date was wrong.</bdi>" in html, language
    same_moment = FigurePublication.objects.filter(published_at=english.published_at)
    assert sorted(same_moment.values_list("language", flat=True)) == ["ar", "en", "es", "fr"]
    english.refresh_from_db()
    assert {row.corrected_at for row in same_moment} == {english.corrected_at}


def reverse_in(language, name):
    from django.utils import translation

    with translation.override(language):
        return reverse(name)
