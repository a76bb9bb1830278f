"""The demo site, built from ../shared/seed/impunity-page.txt: the page this site replaces.

Teasers and figures' sentences are the seed's words. Bodies, dates, figures' values and the
signatory lists are demo material, marked as such, for staff to replace.
"""

import datetime
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page

from articles.digest import DigestIndexPage, DigestWeek, digest_title
from articles.factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    DigestIndexPageFactory,
    DigestPageFactory,
    JointStatementPageFactory,
    StatementIndexPageFactory,
)
from articles.models import (
    ArticleIndexPage,
    ArticlePage,
    JointStatementPage,
    Signatory,
    StatementIndexPage,
)
from cases.aliases import alias_in_every_language
from cases.demo import build_demo_cases
from ifex.core.factories import (
    CountryFactory,
    OrganisationFactory,
    SiteImageFactory,
    TopicFactory,
    generated_picture,
    stream_data,
)
from ifex.core.models import Region

from .factories import (
    CampaignIndexPageFactory,
    CampaignPageFactory,
    ImpunityFigureFactory,
    MemberDirectoryPageFactory,
)
from .models import (
    CampaignIndexPage,
    CampaignPage,
    HomePage,
    ImpunityFigure,
    MemberDirectoryPage,
)

DEMO_NOTE = "Demo content: staff replace this text with the network's own."

COUNTRIES = [
    # (ISO code, name, region slug)
    ("AR", "Argentina", "americas"),
    ("AT", "Austria", "europe-central-asia"),
    ("BR", "Brazil", "americas"),
    ("CA", "Canada", "americas"),
    ("CD", "Democratic Republic of the Congo", "africa"),
    ("CO", "Colombia", "americas"),
    ("FR", "France", "europe-central-asia"),
    ("GB", "United Kingdom", "europe-central-asia"),
    ("GH", "Ghana", "africa"),
    ("HT", "Haiti", "americas"),
    ("IR", "Iran", "middle-east-north-africa"),
    ("KZ", "Kazakhstan", "europe-central-asia"),
    ("LB", "Lebanon", "middle-east-north-africa"),
    ("MX", "Mexico", "americas"),
    ("NA", "Namibia", "africa"),
    ("NP", "Nepal", "asia-pacific"),
    ("PE", "Peru", "americas"),
    ("PH", "Philippines", "asia-pacific"),
    ("PK", "Pakistan", "asia-pacific"),
    ("PS", "Palestine", "middle-east-north-africa"),
    ("UG", "Uganda", "africa"),
    ("US", "United States", "americas"),
]

TOPICS = [
    ("impunity", "Impunity"),
    ("women-human-rights-defenders", "Women human rights defenders"),
    ("sanctions", "Sanctions"),
    ("safety-of-journalists", "Safety of journalists"),
    ("press-freedom", "Press freedom"),
    ("democracy", "Democracy"),
]

MEMBERS = [
    # (name, ISO code, website)
    ("Abraji", "BR", "https://www.abraji.org.br/"),
    ("Adil Soz", "KZ", "https://adilsoz.kz/"),
    ("ARTICLE 19", "GB", "https://www.article19.org/"),
    ("ARTICLE 19 Mexico and Central America", "MX", "https://articulo19.org/"),
    ("Canadian Journalists for Free Expression", "CA", "https://www.cjfe.org/"),
    ("Cartoonists Rights", "US", "https://cartoonistsrights.org/"),
    ("Center for Media Freedom and Responsibility", "PH", "https://cmfr-phil.org/"),
    ("Committee to Protect Journalists", "US", "https://cpj.org/"),
    ("Foro de Periodismo Argentino", "AR", "https://www.fopea.org/"),
    ("Freedom Forum", "NP", "https://freedomforum.org.np/"),
    ("Fundación para la Libertad de Prensa", "CO", "https://flip.org.co/"),
    ("Gulf Centre for Human Rights", "LB", "https://www.gc4hr.org/"),
    ("Human Rights Network for Journalists-Uganda", "UG", "https://hrnjuganda.org/"),
    ("Index on Censorship", "GB", "https://www.indexoncensorship.org/"),
    ("Instituto Prensa y Sociedad", "PE", "https://ipys.org/"),
    ("Inter American Press Association", "US", "https://www.sipiapa.org/"),
    ("International Press Institute", "AT", "https://ipi.media/"),
    ("Journaliste en danger", "CD", ""),
    ("Maharat Foundation", "LB", "https://maharatfoundation.org/"),
    ("Media Foundation for West Africa", "GH", "https://www.mfwa.org/"),
    ("Media Institute of Southern Africa", "NA", "https://misa.org/"),
    ("National Union of Journalists of the Philippines", "PH", "https://nujp.org/"),
    ("Pakistan Press Foundation", "PK", "https://www.pakistanpressfoundation.org/"),
    (
        "Palestinian Center for Development and Media Freedoms (MADA)",
        "PS",
        "https://www.madacenter.org/",
    ),
    ("PEN International", "GB", "https://www.pen-international.org/"),
    ("Reporters Without Borders", "FR", "https://rsf.org/"),
]

ARTICLES = [
    {
        "title": "Action Plan or Inaction Plan? The fate of the world’s journalists – and our "
        "democracies – hangs in the balance",
        "slug": "action-plan-or-inaction-plan",
        "date": datetime.date(2022, 11, 2),
        "teaser": "On the 2022 International Day to End Impunity for Crimes Against Journalists, "
        "and the 10th anniversary of the UN Plan of Action on the Safety of Journalists, IFEX’s "
        "Executive Director underscores the need for States to start living up to their "
        "commitments.",
        "countries": [],
        "topics": ["impunity", "safety-of-journalists"],
        "organisation": None,
    },
    {
        "title": "Violence and insecurity, the main obstacle for the press in Haiti",
        "slug": "violence-and-insecurity-haiti",
        "date": datetime.date(2025, 10, 20),
        "teaser": "In September 2022, Frantzsen Charles, Tayson Lartigue, and five other "
        "journalists were covering clashes between rival gangs in the Cité Soleil neighborhood "
        "of Port-au-Prince when they were attacked. IAPA has called for justice in their case.",
        "countries": ["HT"],
        "topics": ["impunity", "safety-of-journalists"],
        "organisation": "Inter American Press Association",
    },
    {
        "title": "Iran: Rights groups urgently call for the release of women human rights "
        "defenders",
        "slug": "iran-release-women-human-rights-defenders",
        "date": datetime.date(2025, 9, 12),
        "teaser": "Women activists, artists, and social media influencers have particularly "
        "faced heightened targeting amidst an ongoing campaign against freedom of expression.",
        "countries": ["IR"],
        "topics": ["impunity", "women-human-rights-defenders"],
        "organisation": "Gulf Centre for Human Rights",
    },
    {
        "title": "In countries where press freedom is at risk, so is democracy",
        "slug": "press-freedom-at-risk-democracy-at-risk",
        "date": datetime.date(2025, 5, 3),
        "teaser": "“In 2024, the same year democracy levels hit their lowest point since The "
        "Economist’s Democracy Index was created in 2006, RSF noted that journalists’ work was "
        "increasingly obstructed by political forces.”",
        "countries": [],
        "topics": ["impunity", "press-freedom", "democracy"],
        "organisation": None,
    },
    {
        "title": "Philippines: Media groups call for swift trial to finally achieve justice for "
        "journalist Gerry Ortega",
        "slug": "philippines-justice-for-gerry-ortega",
        "date": datetime.date(2025, 8, 28),
        "teaser": "The wanted official had been in hiding despite an arrest warrant issued "
        "against him in 2023.",
        "countries": ["PH"],
        "topics": ["impunity", "safety-of-journalists"],
        "organisation": "National Union of Journalists of the Philippines",
    },
]

STATEMENTS = [
    {
        "title": "Targeted and discredited: Palestinian journalists suffer double punishment in "
        "Gaza",
        "slug": "palestinian-journalists-double-punishment-gaza",
        "date": datetime.date(2024, 8, 15),
        "teaser": "“The targeted killing of ‘Al Jazeera’ correspondent Ismail al-Ghoul is one of "
        "the most shocking examples of impunity we have witnessed in the war in Gaza.”",
        "countries": ["PS"],
        "topics": ["impunity", "safety-of-journalists"],
        "organisation": None,
        "members_signing": 12,
        "other_signatories": 0,
    },
    {
        "title": "Over 90 rights groups call on US to make effective use of Global Magnitsky "
        "sanctions",
        "slug": "global-magnitsky-sanctions",
        "date": datetime.date(2024, 12, 10),
        "teaser": "“The unique power of Global Magnitsky sanctions greatly relies on the fact "
        "that this particular tool has a specific purpose – to condemn and hold accountable "
        "perpetrators of the world’s worst abuses.”",
        "countries": ["US"],
        "topics": ["impunity", "sanctions"],
        "organisation": None,
        # Two members have not signed yet: the statement is open for signatures online.
        "members_signing": len(MEMBERS) - 2,
        "other_signatories": 70,
        "open_for_signatures_days": 30,
    },
]

CAMPAIGN_INTRO = (
    "Every day, citizens, journalists, artists and activists are harassed, tortured and killed "
    "for expressing themselves.\n\n"
    "In the majority of these cases, no one is punished. We’re working to change this."
)

IMAGE_COLOURS = [(120, 28, 24), (24, 60, 110), (40, 90, 60), (90, 60, 20), (70, 40, 100)]


def site_has_content() -> bool:
    """The site sections come from migrations; content is anything editors or the demo made."""
    return (
        Page.objects.type(ArticlePage, JointStatementPage, CampaignPage).exists()
        or ImpunityFigure.objects.exists()
    )


def section(model, factory, home, **fields):
    """The section page the migrations made, or a new one if someone deleted it."""
    page = model.objects.child_of(home).first() or factory(parent=home, **fields)
    for name, value in fields.items():
        setattr(page, name, value)
    return page


@transaction.atomic
def build_demo_site() -> HomePage:
    home = HomePage.objects.get()
    countries = {
        code: CountryFactory(iso_code=code, name=name, region=Region.objects.get(slug=region))
        for code, name, region in COUNTRIES
    }
    topics = {slug: TopicFactory(slug=slug, name=name) for slug, name in TOPICS}
    members = [
        OrganisationFactory(
            name=name,
            country=countries[code],
            website=website,
            contact_email=demo_contact_address(name),
        )
        for name, code, website in MEMBERS
    ]
    images = [
        SiteImageFactory(
            title=f"Demo picture {number + 1}",
            file=ContentFile(generated_picture(colour=colour), name=f"demo-{number + 1}.jpg"),
        )
        for number, colour in enumerate(IMAGE_COLOURS)
    ]
    figures = build_figures()

    article_index = section(
        ArticleIndexPage,
        ArticleIndexPageFactory,
        home,
        title="Articles",
        slug="articles",
        show_in_menus=True,
        intro="Reports from the network on impunity for crimes against free expression.",
    )
    statement_index = section(
        StatementIndexPage,
        StatementIndexPageFactory,
        home,
        title="Joint statements",
        slug="statements",
        show_in_menus=True,
        intro="Statements signed by organisations of the network.",
    )
    articles = [
        build_news_page(ArticlePageFactory, article_index, item, countries, topics, image)
        for item, image in zip(ARTICLES, images, strict=False)
    ]
    statements = [
        build_news_page(JointStatementPageFactory, statement_index, item, countries, topics)
        for item in STATEMENTS
    ]
    for statement, item in zip(statements, STATEMENTS, strict=True):
        add_signatories(statement, members[: item["members_signing"]], item["other_signatories"])
        if item.get("open_for_signatures_days"):
            statement.signatures_open = True
            statement.signatures_close_at = timezone.now() + datetime.timedelta(
                days=item["open_for_signatures_days"]
            )
    statements[1].signed_text = signed_text_document(statements[1].title)

    campaign_index = section(
        CampaignIndexPage,
        CampaignIndexPageFactory,
        home,
        title="Campaigns",
        slug="campaigns",
        show_in_menus=True,
    )
    campaign = CampaignPageFactory(
        parent=campaign_index,
        title="No Impunity",
        slug="no-impunity",
        teaser="Journalists, artists and activists are killed for what they say, and most of "
        "these crimes go unpunished. We’re working to change this.",
        intro=CAMPAIGN_INTRO,
        hero_image=images[0],
        hero_image_decorative=True,
        body=campaign_body(figures, articles[0], topics["impunity"], statements, statement_index),
    )
    directory = section(
        MemberDirectoryPage,
        MemberDirectoryPageFactory,
        home,
        title="Members",
        slug="members",
        show_in_menus=True,
        intro=f"The organisations of the network, by region and country. {DEMO_NOTE}",
    )

    digest_index, digest = build_digest(home, [articles[1], statements[0], articles[0]])

    home.title = "IFEX: No Impunity"
    home.teaser = (
        "Every day, citizens, journalists, artists and activists are harassed, tortured and "
        "killed for expressing themselves. In the majority of these cases, no one is punished."
    )
    home.body = home_body(figures, campaign, directory)
    # The factories published the articles and the campaign page; publish only what changed
    # after that: the sections the migrations made, the home page, and the signed statements.
    for page in [
        home,
        article_index,
        statement_index,
        *statements,
        campaign_index,
        directory,
        digest_index,
    ]:
        page.save_revision().publish()

    from .demo_translations import translate_demo, translate_names

    regions = Region.objects.filter(locale=home.locale)
    translate_names([*regions, *countries.values(), *topics.values()])
    demo_cases = build_demo_cases(countries)
    if demo_cases:
        counted = build_figure_counted_from_cases()
        figures.append(counted)
        campaign.body.insert(1, stats_block_of([counted], COUNTED_HEADING))
        campaign.save_revision().publish()
    sections = [home, article_index, statement_index, campaign_index, directory, digest_index]
    translate_demo([*figures, *sections, *articles[:2], statements[0], campaign, digest])
    record_digest_weeks(digest)
    # The cases in every language, as English until translated (as imported cases are).
    alias_in_every_language([case.pk for case in demo_cases])
    return home


DIGEST_WEEK = datetime.date(2025, 10, 20)
DIGEST_INTRO = (
    "A journalist's killers still free in Haiti, and the statements the network signed. "
    + DEMO_NOTE
)


def build_digest(home, stories):
    """The digest's past issues, with one published issue that was never mailed; editors may
    add, edit and publish digests (the section is the demo's, so the migrations granted none)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    index = DigestIndexPage.objects.child_of(home).first() or DigestIndexPageFactory(
        parent=home,
        title="Weekly digest",
        slug="digest",
        intro="Each week, the network's articles and joint statements in one mail.",
    )
    editors = Group.objects.filter(name=settings.DEMO_ROLE_USERS["editor"]).first()
    if editors is not None:
        for action in ("add", "change", "publish", "lock"):
            GroupPagePermission.objects.get_or_create(
                group=editors,
                page=index,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=f"{action}_page"
                ),
            )
    digest = DigestPageFactory(
        parent=index,
        title=digest_title(DIGEST_WEEK, "en"),
        slug=f"week-{DIGEST_WEEK:%Y-%m-%d}",
        week_start=DIGEST_WEEK,
        intro=DIGEST_INTRO,
        stories=[("story", page) for page in stories],
    )
    return index, digest


def record_digest_weeks(digest):
    """The demo's issue is its week's, in every language: the periodic job drafts no other."""
    for translation in [digest, *digest.get_translations()]:
        DigestWeek.objects.get_or_create(
            locale_id=translation.locale_id,
            week_start=DIGEST_WEEK,
            defaults={"page": translation},
        )


def build_figures():
    demo = "Demo value: staff replace it with the current figure from the source."
    killed = ImpunityFigureFactory.build(
        name="Journalists killed since 2006",
        value=1700,
        sentence="journalists and media workers have been killed since 2006.",
        as_of=datetime.date(2025, 11, 2),
        method_note=demo,
        live=False,
    )
    unpunished = ImpunityFigureFactory.build(
        ratio=True,
        name="Cases unpunished",
        sentence="cases go unpunished and see perpetrators walk free.",
        as_of=datetime.date(2025, 11, 2),
        method_note=demo,
        live=False,
    )
    network = ImpunityFigureFactory.build(
        member_count=True,
        name="Organisations in the network",
        sentence="organisations that make up the IFEX network are committed to ending impunity.",
        method_note="Counted live from the member directory of this site.",
        live=False,
    )
    for figure in (killed, unpunished, network):
        figure.save()
        figure.save_revision().publish()
    return [killed, unpunished, network]


COUNTED_HEADING = "Counted from the cases recorded on this site (demo cases):"


def build_figure_counted_from_cases():
    """The seed's "9 out of 10" as the site's own count, beside the sourced one: computed by the
    database from the (demo) cases, its method note saying what was counted. Made once the
    cases are, so its record starts with their count."""
    counted = ImpunityFigureFactory.build(
        kind=ImpunityFigure.Kind.CASES,
        cases_measure="impunity",
        name="Demo cases in complete impunity",
        value=None,
        sentence="demo cases on this site whose judicial status is known are in complete impunity.",
        source_name="",
        source_url="",
        as_of=None,
        method_note="",
        live=False,
    )
    counted.save()
    counted.save_revision().publish()
    return counted


def build_news_page(factory, parent, item, countries, topics, image=None):
    organisation = item["organisation"]
    return factory(
        parent=parent,
        title=item["title"],
        slug=item["slug"],
        date=item["date"],
        teaser=item["teaser"],
        hero_image=image,
        hero_image_decorative=image is not None,
        reporting_organisation=(
            OrganisationFactory._meta.model.objects.get(name=organisation) if organisation else None
        ),
        body=demo_body(item["teaser"]),
        countries=[countries[code] for code in item["countries"]],
        topics=[topics[slug] for slug in item["topics"]],
    )


def demo_body(teaser):
    return stream_data(
        [
            ("paragraph", f"<p><em>{DEMO_NOTE}</em></p>"),
            ("pull_quote", {"quote": teaser.strip("“”"), "attribution": "From the original page"}),
            ("heading", {"text": "What happened", "level": "h2"}),
            (
                "paragraph",
                "<p>This demo body stands where the full report will go: the facts of the "
                "case, what the authorities have and have not done, and what the network asks "
                "of them.</p>",
            ),
            ("heading", {"text": "What the network asks", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>An independent, prompt and effective investigation.</li>"
                "<li>Prosecution of those who ordered the crime as well as those who carried it "
                "out.</li><li>Protection for the journalists and witnesses involved.</li></ul>",
            ),
        ]
    )


def demo_contact_address(name: str) -> str:
    """A made-up registered contact (reserved .example domain): no demo mail reaches anyone."""
    return f"signatures@{slugify(name)}.example"


def add_signatories(statement, members, other_count):
    signatories = [Signatory(organisation=member) for member in members]
    signatories += [
        Signatory(name=f"Demo signatory organisation {number}", url="")
        for number in range(1, other_count + 1)
    ]
    for position, signatory in enumerate(signatories):
        signatory.sort_order = position  # as the admin's ordered inline panel saves them
    statement.signatories = signatories


def signed_text_document(title):
    page = PillowImage.new("RGB", (1240, 1754), "white")
    buffer = io.BytesIO()
    page.save(buffer, "PDF")
    return get_document_model().objects.create(
        title=f"{title} (signed text, demo)",
        file=ContentFile(buffer.getvalue(), name="signed-statement-demo.pdf"),
        collection=Collection.get_first_root_node(),
    )


def stats_block(figures, heading):
    return ("stats", {"heading": heading, "figures": [figure.pk for figure in figures]})


def stats_block_of(figures, heading):
    """The same, for a page's body once it is built (a StreamValue takes objects, not ids)."""
    return ("stats", {"heading": heading, "figures": figures})


def latest_block(heading, content, *, count, topic=None):
    value = {"heading": heading, "content": content, "count": count, "country": None}
    return ("latest", {**value, "topic": topic.pk if topic else None})


def call_to_action(heading, text, page, link_text):
    value = {"heading": heading, "text": text, "link_url": "", "link_text": link_text}
    return ("call_to_action", {**value, "link_page": page.pk})


def campaign_body(figures, lead_article, impunity, statements, statement_index):
    return stream_data(
        [
            stats_block(figures, "The shocking facts about the problem of impunity:"),
            ("featured", {"heading": "", "pages": [lead_article.pk]}),
            latest_block("Recent Articles on Impunity", "articles", count=4, topic=impunity),
            (
                "statements",
                {"heading": "Joint Statements", "statements": [page.pk for page in statements]},
            ),
            call_to_action(
                "Joint Statements",
                "Read every joint statement the network has signed.",
                statement_index,
                "All joint statements",
            ),
        ]
    )


def home_body(figures, campaign, directory):
    return stream_data(
        [
            stats_block(figures, "The shocking facts about the problem of impunity:"),
            ("featured", {"heading": "Campaign", "pages": [campaign.pk]}),
            latest_block("Latest articles and statements", "both", count=6),
            call_to_action(
                "The network",
                "Meet the organisations that make up the IFEX network.",
                directory,
                "See the members",
            ),
        ]
    )
