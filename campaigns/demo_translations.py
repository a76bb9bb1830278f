"""The demo in French, Spanish and Arabic, made the way translators make it: with
wagtail-localize, segment by segment, from the English pages and figures.

Short demo translations, marked as such on every page (its demo note): staff replace them. A
segment not listed here stays in English, as wagtail-localize falls back to the source.
"""

from django.conf import settings
from wagtail.models import Locale
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from .demo import ARTICLES, CAMPAIGN_INTRO, DEMO_NOTE, DIGEST_INTRO, STATEMENTS

LANGUAGES = ("fr", "es", "ar")

# English source text: (French, Spanish, Arabic).
SEGMENTS = {
    DEMO_NOTE: (
        "Contenu de démonstration : une traduction abrégée, que l’équipe remplace par le texte "
        "du réseau.",
        "Contenido de demostración: una traducción abreviada, que el equipo sustituye por el "
        "texto de la red.",
        "محتوى تجريبي: ترجمة مختصرة يستبدلها الفريق بنص الشبكة.",
    ),
    "IFEX: No Impunity": (
        "IFEX : Pas d’impunité",
        "IFEX: No a la impunidad",
        "إيفكس: لا للإفلات من العقاب",
    ),
    "Every day, citizens, journalists, artists and activists are harassed, tortured and "
    "killed for expressing themselves. In the majority of these cases, no one is punished.": (
        "Chaque jour, des citoyens, des journalistes, des artistes et des militants sont "
        "harcelés, torturés et tués pour s’être exprimés. Dans la plupart des cas, personne "
        "n’est puni.",
        "Cada día, ciudadanos, periodistas, artistas y activistas son acosados, torturados y "
        "asesinados por expresarse. En la mayoría de los casos, nadie es castigado.",
        "كل يوم يتعرض مواطنون وصحفيون وفنانون وناشطون للمضايقة والتعذيب والقتل بسبب تعبيرهم "
        "عن آرائهم. وفي معظم هذه الحالات لا يُعاقَب أحد.",
    ),
    # A text field's paragraphs reach translators as one segment, its line breaks as <br/>.
    CAMPAIGN_INTRO.replace("\n", "<br/>"): (
        "Chaque jour, des citoyens, des journalistes, des artistes et des militants sont "
        "harcelés, torturés et tués pour s’être exprimés.<br/><br/>Dans la plupart des cas, "
        "personne n’est puni. Nous agissons pour que cela change.",
        "Cada día, ciudadanos, periodistas, artistas y activistas son acosados, torturados y "
        "asesinados por expresarse.<br/><br/>En la mayoría de los casos, nadie es castigado. "
        "Trabajamos para cambiarlo.",
        "كل يوم يتعرض مواطنون وصحفيون وفنانون وناشطون للمضايقة والتعذيب والقتل بسبب تعبيرهم "
        "عن آرائهم.<br/><br/>وفي معظم هذه الحالات لا يُعاقَب أحد. ونحن نعمل على تغيير ذلك.",
    ),
    "Weekly digest": ("Lettre hebdomadaire", "Boletín semanal", "النشرة الأسبوعية"),
    "Each week, the network's articles and joint statements in one mail.": (
        "Chaque semaine, les articles et les déclarations communes du réseau en un seul courriel.",
        "Cada semana, los artículos y las declaraciones conjuntas de la red en un solo correo.",
        "كل أسبوع، مقالات الشبكة وبياناتها المشتركة في رسالة واحدة.",
    ),
    "The week of 20 October 2025": (
        "La semaine du 20 octobre 2025",
        "La semana del 20 de octubre de 2025",
        "أسبوع 20 أكتوبر 2025",
    ),
    DIGEST_INTRO: (
        "Les assassins d’un journaliste toujours libres en Haïti, et les déclarations signées "
        "par le réseau. Contenu de démonstration : une traduction abrégée, que l’équipe "
        "remplace par le texte du réseau.",
        "Los asesinos de un periodista siguen libres en Haití, y las declaraciones que firmó la "
        "red. Contenido de demostración: una traducción abreviada, que el equipo sustituye por "
        "el texto de la red.",
        "قتلة صحفي ما زالوا طلقاء في هايتي، والبيانات التي وقّعتها الشبكة. محتوى تجريبي: ترجمة "
        "مختصرة يستبدلها الفريق بنص الشبكة.",
    ),
    "No Impunity": ("Pas d’impunité", "No a la impunidad", "لا للإفلات من العقاب"),
    "Journalists, artists and activists are killed for what they say, and most of these "
    "crimes go unpunished. We’re working to change this.": (
        "Des journalistes, des artistes et des militants sont tués pour ce qu’ils disent, et la "
        "plupart de ces crimes restent impunis. Nous agissons pour que cela change.",
        "Periodistas, artistas y activistas son asesinados por lo que dicen, y la mayoría de "
        "estos crímenes quedan impunes. Trabajamos para cambiarlo.",
        "يُقتل صحفيون وفنانون وناشطون بسبب ما يقولونه، ويفلت مرتكبو معظم هذه الجرائم من "
        "العقاب. ونحن نعمل على تغيير ذلك.",
    ),
    "Counted from the cases recorded on this site (demo cases):": (
        "Comptés à partir des affaires enregistrées sur ce site (affaires de démonstration) :",
        "Contados a partir de los casos registrados en este sitio (casos de demostración):",
        "محسوبة من القضايا المسجّلة على هذا الموقع (قضايا تجريبية):",
    ),
    "demo cases on this site whose judicial status is known are in complete impunity.": (
        "affaires de démonstration de ce site dont le statut judiciaire est connu restent "
        "dans l’impunité totale.",
        "casos de demostración de este sitio cuyo estado judicial se conoce están en "
        "impunidad total.",
        "من القضايا التجريبية على هذا الموقع المعروف وضعها القضائي في إفلات تام من العقاب.",
    ),
    "Demo cases in complete impunity": (
        "Affaires de démonstration dans l’impunité totale",
        "Casos de demostración en impunidad total",
        "قضايا تجريبية في إفلات تام من العقاب",
    ),
    "The shocking facts about the problem of impunity:": (
        "Les faits accablants sur l’impunité :",
        "Los datos alarmantes sobre la impunidad:",
        "حقائق صادمة عن مشكلة الإفلات من العقاب:",
    ),
    "Campaign": ("Campagne", "Campaña", "الحملة"),
    "Latest articles and statements": (
        "Derniers articles et déclarations",
        "Últimos artículos y declaraciones",
        "أحدث المقالات والبيانات",
    ),
    "The network": ("Le réseau", "La red", "الشبكة"),
    "Meet the organisations that make up the IFEX network.": (
        "Découvrez les organisations qui forment le réseau IFEX.",
        "Conozca las organizaciones que forman la red IFEX.",
        "تعرّف على المنظمات التي تتكوّن منها شبكة إيفكس.",
    ),
    "See the members": ("Voir les membres", "Ver los miembros", "عرض الأعضاء"),
    "Recent Articles on Impunity": (
        "Articles récents sur l’impunité",
        "Artículos recientes sobre la impunidad",
        "مقالات حديثة عن الإفلات من العقاب",
    ),
    "Joint Statements": ("Déclarations communes", "Declaraciones conjuntas", "بيانات مشتركة"),
    "Read every joint statement the network has signed.": (
        "Lisez toutes les déclarations communes signées par le réseau.",
        "Lea todas las declaraciones conjuntas que la red ha firmado.",
        "اقرأ كل البيانات المشتركة التي وقّعتها الشبكة.",
    ),
    "All joint statements": (
        "Toutes les déclarations communes",
        "Todas las declaraciones conjuntas",
        "كل البيانات المشتركة",
    ),
    "Articles": ("Articles", "Artículos", "مقالات"),
    "Joint statements": ("Déclarations communes", "Declaraciones conjuntas", "بيانات مشتركة"),
    "Campaigns": ("Campagnes", "Campañas", "الحملات"),
    "Members": ("Membres", "Miembros", "الأعضاء"),
    "What happened": ("Les faits", "Lo que ocurrió", "ما الذي حدث"),
    "What the network asks": (
        "Ce que demande le réseau",
        "Lo que pide la red",
        "ما تطالب به الشبكة",
    ),
    "From the original page": (
        "Extrait de la page d’origine",
        "De la página original",
        "من الصفحة الأصلية",
    ),
    ARTICLES[0]["title"]: (
        "Plan d’action ou plan d’inaction ? Le sort des journalistes du monde, et de nos "
        "démocraties, est en jeu",
        "¿Plan de acción o plan de inacción? El destino de los periodistas del mundo, y de "
        "nuestras democracias, está en juego",
        "خطة عمل أم خطة تقاعس؟ مصير صحفيي العالم، وديمقراطياتنا، على المحك",
    ),
    ARTICLES[1]["title"]: (
        "Violence et insécurité, principal obstacle pour la presse en Haïti",
        "Violencia e inseguridad, el principal obstáculo para la prensa en Haití",
        "العنف وانعدام الأمن، العقبة الرئيسية أمام الصحافة في هايتي",
    ),
    STATEMENTS[0]["title"]: (
        "Ciblés et discrédités : les journalistes palestiniens doublement punis à Gaza",
        "Atacados y desacreditados: los periodistas palestinos sufren un doble castigo en Gaza",
        "مستهدفون ومشوَّهو السمعة: الصحفيون الفلسطينيون يعانون عقابًا مضاعفًا في غزة",
    ),
    "Journalists killed since 2006": (
        "Journalistes tués depuis 2006",
        "Periodistas asesinados desde 2006",
        "صحفيون قُتلوا منذ 2006",
    ),
    "journalists and media workers have been killed since 2006.": (
        "journalistes et professionnels des médias ont été tués depuis 2006.",
        "periodistas y trabajadores de los medios han sido asesinados desde 2006.",
        "صحفيًا وعاملًا في الإعلام قُتلوا منذ عام 2006.",
    ),
    "Cases unpunished": ("Affaires impunies", "Casos impunes", "قضايا بلا عقاب"),
    "cases go unpunished and see perpetrators walk free.": (
        "affaires restent impunies, et leurs auteurs en liberté.",
        "casos quedan impunes y sus autores en libertad.",
        "قضايا تمرّ بلا عقاب ويبقى مرتكبوها طلقاء.",
    ),
    "Organisations in the network": (
        "Organisations du réseau",
        "Organizaciones de la red",
        "منظمات الشبكة",
    ),
    "organisations that make up the IFEX network are committed to ending impunity.": (
        "organisations qui forment le réseau IFEX s’engagent à mettre fin à l’impunité.",
        "organizaciones que forman la red IFEX se comprometen a acabar con la impunidad.",
        "منظمة تتكوّن منها شبكة إيفكس ملتزمة بإنهاء الإفلات من العقاب.",
    ),
}


def translate_demo(instances):
    """Translates `instances` (figures first, then pages from the top down, so that what a
    page refers to already has its translation) into every other language, and publishes."""
    for index, language in enumerate(LANGUAGES):
        if language not in settings.DEMO_LANGUAGES:
            continue
        locale = Locale.objects.get(language_code=language)
        for instance in instances:
            source, _ = TranslationSource.get_or_create_from_instance(instance)
            Translation.objects.get_or_create(source=source, target_locale=locale)
            for segment in StringSegment.objects.filter(source=source).select_related("string"):
                words = SEGMENTS.get(segment.string.data)
                if words:
                    StringTranslation.objects.update_or_create(
                        translation_of=segment.string,
                        locale=locale,
                        context_id=segment.context_id,
                        defaults={"data": words[index]},
                    )
            # Saved as a draft and published here, not on commit as wagtail-localize's own
            # publish is: the demo's figures and pages are live as soon as this returns.
            source.create_or_update_translation(
                locale, publish=False, fallback=True, copy_parent_pages=True
            )
            source.get_translated_instance(locale).get_latest_revision().publish()


# The names of the demo's regions, countries and topics: (French, Spanish, Arabic).
NAMES = {
    "Africa": ("Afrique", "África", "أفريقيا"),
    "Americas": ("Amériques", "Américas", "الأمريكتان"),
    "Asia-Pacific": ("Asie-Pacifique", "Asia-Pacífico", "آسيا والمحيط الهادئ"),
    "Europe and Central Asia": (
        "Europe et Asie centrale",
        "Europa y Asia Central",
        "أوروبا وآسيا الوسطى",
    ),
    "Middle East and North Africa": (
        "Moyen-Orient et Afrique du Nord",
        "Oriente Medio y Norte de África",
        "الشرق الأوسط وشمال أفريقيا",
    ),
    "Argentina": ("Argentine", "Argentina", "الأرجنتين"),
    "Austria": ("Autriche", "Austria", "النمسا"),
    "Brazil": ("Brésil", "Brasil", "البرازيل"),
    "Canada": ("Canada", "Canadá", "كندا"),
    "Democratic Republic of the Congo": (
        "République démocratique du Congo",
        "República Democrática del Congo",
        "جمهورية الكونغو الديمقراطية",
    ),
    "Colombia": ("Colombie", "Colombia", "كولومبيا"),
    "France": ("France", "Francia", "فرنسا"),
    "United Kingdom": ("Royaume-Uni", "Reino Unido", "المملكة المتحدة"),
    "Ghana": ("Ghana", "Ghana", "غانا"),
    "Haiti": ("Haïti", "Haití", "هايتي"),
    "Iran": ("Iran", "Irán", "إيران"),
    "Kazakhstan": ("Kazakhstan", "Kazajistán", "كازاخستان"),
    "Lebanon": ("Liban", "Líbano", "لبنان"),
    "Mexico": ("Mexique", "México", "المكسيك"),
    "Namibia": ("Namibie", "Namibia", "ناميبيا"),
    "Nepal": ("Népal", "Nepal", "نيبال"),
    "Peru": ("Pérou", "Perú", "بيرو"),
    "Philippines": ("Philippines", "Filipinas", "الفلبين"),
    "Pakistan": ("Pakistan", "Pakistán", "باكستان"),
    "Palestine": ("Palestine", "Palestina", "فلسطين"),
    "Uganda": ("Ouganda", "Uganda", "أوغندا"),
    "United States": ("États-Unis", "Estados Unidos", "الولايات المتحدة"),
    "Impunity": ("Impunité", "Impunidad", "الإفلات من العقاب"),
    "Women human rights defenders": (
        "Défenseuses des droits humains",
        "Defensoras de derechos humanos",
        "المدافعات عن حقوق الإنسان",
    ),
    "Sanctions": ("Sanctions", "Sanciones", "العقوبات"),
    "Safety of journalists": (
        "Sécurité des journalistes",
        "Seguridad de los periodistas",
        "سلامة الصحفيين",
    ),
    "Press freedom": ("Liberté de la presse", "Libertad de prensa", "حرية الصحافة"),
    "Democracy": ("Démocratie", "Democracia", "الديمقراطية"),
}


def translate_names(rows):
    """Regions, countries and topics in every other language: rows with a name and nothing to
    review, so each translation is made directly (the way wagtail-localize's "sync" would)."""
    for index, language in enumerate(LANGUAGES):
        if language not in settings.DEMO_LANGUAGES:
            continue
        locale = Locale.objects.get(language_code=language)
        for row in rows:
            if row.locale_id == locale.pk or row.has_translation(locale):
                continue
            translation = row.copy_for_translation(locale)
            translation.name = NAMES.get(row.name, (row.name,) * len(LANGUAGES))[index]
            translation.save()
