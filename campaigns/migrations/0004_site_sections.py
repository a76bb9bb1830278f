"""The site's sections exist from the start, so roles and the review workflow can be tied to them."""

from django.db import migrations
from django.utils import timezone

SECTIONS = [
    ("articles", "ArticleIndexPage", "Articles", "articles"),
    ("articles", "StatementIndexPage", "Joint statements", "statements"),
    ("campaigns", "CampaignIndexPage", "Campaigns", "campaigns"),
    ("campaigns", "MemberDirectoryPage", "Members", "members"),
]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    number = int(last.path[-STEPLEN:], 36) + 1 if last else 1
    step = ""
    while number:
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    return parent.path + step.rjust(STEPLEN, "0")


def create_sections(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    home = apps.get_model("campaigns", "HomePage").objects.order_by("path").first()
    if home is None:
        return
    for app_label, model_name, title, slug in SECTIONS:
        model = apps.get_model(app_label, model_name)
        siblings = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
        if model.objects.exists() or siblings.filter(slug=slug).exists():
            continue
        content_type, _ = ContentType.objects.get_or_create(
            app_label=app_label, model=model_name.lower()
        )
        model.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type,
            path=next_child_path(Page, home),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{slug}/",
            locale_id=home.locale_id,
            live=True,
            show_in_menus=True,
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
        )
        Page.objects.filter(pk=home.pk).update(numchild=siblings.count())


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_create_homepage"),
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_sections, migrations.RunPython.noop),
    ]
