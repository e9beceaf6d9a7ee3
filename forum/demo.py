"""Demo forum content: thematic categories and a few debates from the working group's work.

`demo_load()` is idempotent: categories are matched by slug, topics by title.
"""

from __future__ import annotations

from django.db import transaction

from forum import services
from forum.models import Category, Topic
from portal.models import Country, Region, User

CATEGORIES = [
    # slug, English, Spanish, access, region code, secretariat only, description (en, es)
    ("meetings", "Meetings and announcements", "Reuniones y anuncios", "open", None, True,
     "Agendas, conclusions and follow-up of the working group's meetings.",
     "Agendas, conclusiones y seguimiento de las reuniones del grupo de trabajo."),
    ("poverty", "Poverty and inequality", "Pobreza y desigualdad", "open", None, False,
     "Poverty lines, income distribution, national and international measures.",
     "Líneas de pobreza, distribución del ingreso, medidas nacionales e internacionales."),
    ("health", "Health and mortality", "Salud y mortalidad", "open", None, False,
     "Child and maternal mortality, vital statistics, health surveys.",
     "Mortalidad infantil y materna, estadísticas vitales, encuestas de salud."),
    ("education", "Education", "Educación", "open", None, False,
     "Enrolment, completion and literacy indicators.",
     "Indicadores de matrícula, conclusión y alfabetización."),
    ("gender", "Gender statistics", "Estadísticas de género", "open", None, False,
     "Gender parity indices and sex-disaggregated data.",
     "Índices de paridad de género y datos desagregados por sexo."),
    ("environment", "Environment", "Medio ambiente", "open", None, False,
     "Forest cover, protected areas, emissions, water and sanitation.",
     "Cobertura forestal, áreas protegidas, emisiones, agua y saneamiento."),
    ("migration", "Migration statistics", "Estadísticas de migración", "open", None, False,
     "Definitions, censuses, registers and surveys on international migration.",
     "Definiciones, censos, registros y encuestas sobre migración internacional."),
    ("reconciliation", "Statistical reconciliation", "Conciliación estadística", "focal_points",
     None, False,
     "Discrepancies between national and international figures: secretariat and focal points.",
     "Discrepancias entre cifras nacionales e internacionales: secretaría y puntos focales."),
    ("eeca", "Eastern Europe and Central Asia", "Europa Oriental y Asia Central", "region",
     "EECA", False,
     "The national offices of the EECA country group.",
     "Las oficinas nacionales del grupo de países de Europa Oriental y Asia Central."),
]  # fmt: skip

# (category, title, language, subject country iso3, pinned, [(author e-mail, text)])
TOPICS = [
    (
        "meetings",
        "Agenda of the next working-group meeting",
        "en",
        None,
        True,
        [
            (
                "coordinator@demo.wg.example",
                "Dear colleagues,\n\nThe draft agenda for our next meeting:\n\n"
                "1. Progress report on the **reconciliation of discrepancies** by country\n"
                "2. Migration questions in the 2020 census round\n"
                "3. Work programme 2026–2027\n\n"
                "Please send comments before the end of the month.",
            ),
        ],
    ),
    (
        "reconciliation",
        "Under-five mortality in Kazakhstan: national vital registration vs. IGME estimate",
        "en",
        "KAZ",
        False,
        [
            (
                "focal.kaz@demo.wg.example",
                "Our vital registration gives an under-five mortality rate about 20% lower than the "
                "inter-agency (IGME) estimate for the same year. The difference has grown since the "
                "last revision.\n\nCould @uma explain which sources the model used for Kazakhstan?",
            ),
            (
                "agency.unicef@demo.wg.example",
                "The IGME estimate is a model fitted to **all** available sources: vital registration, "
                "the MICS surveys and the census. Where surveys suggest under-registration of early "
                "neonatal deaths, the model adjusts upwards.\n\n"
                "We can share the country consultation file with the data points used.",
            ),
            (
                "coordinator@demo.wg.example",
                "Thank you both. Let's record the reason code *international estimate or model* and "
                "review the registration completeness study at the next meeting.",
            ),
        ],
    ),
    (
        "migration",
        "Defining an international migrant: usual residence or citizenship?",
        "en",
        None,
        False,
        [
            (
                "focal.kgz@demo.wg.example",
                "Our border statistics count citizens leaving for more than six months, while the "
                "1998 Recommendations define a long-term migrant by a change of **usual residence** "
                "for at least a year. The two figures for emigration differ by a factor of two.",
            ),
            (
                "focal.kaz@demo.wg.example",
                "We have the same issue. The census question on place of residence one year ago is "
                "our best source for the 12-month definition.",
            ),
        ],
    ),
    (
        "poverty",
        "Pobreza extrema: línea nacional frente a la línea internacional",
        "es",
        "CHL",
        False,
        [
            (
                "focal.chl@demo.wg.example",
                "Nuestra medición de la pobreza extrema usa la canasta básica nacional, mientras que "
                "el indicador internacional usa la línea de 1,25 dólares diarios en paridad de poder "
                "adquisitivo. Las cifras difieren en casi tres puntos porcentuales.",
            ),
            (
                "focal.mex@demo.wg.example",
                "En México ocurre lo mismo. Proponemos que los informes nacionales publiquen ambas "
                "series con una nota metodológica que explique la diferencia.",
            ),
        ],
    ),
    (
        "health",
        "Mortalidad materna: subregistro en las estadísticas vitales",
        "es",
        "MEX",
        False,
        [
            (
                "focal.mex@demo.wg.example",
                "La búsqueda intencionada de muertes maternas corrigió el subregistro en un 15%. "
                "¿Alguien más ha aplicado este método?",
            ),
            (
                "coordinator@demo.wg.example",
                "Gracias, Diego. La OMS lo recomienda; lo incluiremos en el taller regional.",
            ),
        ],
    ),
    (
        "eeca",
        "Census 2020 round: migration questions in Central Asia",
        "en",
        None,
        False,
        [
            (
                "focal.kaz@demo.wg.example",
                "Which migration questions are you adding to the census questionnaire? We plan "
                "country of birth, citizenship, year of arrival and residence one year ago.",
            ),
            (
                "focal.kgz@demo.wg.example",
                "The same four, plus a question on household members abroad.",
            ),
        ],
    ),
]


def _load_categories() -> dict[str, Category]:
    categories = {}
    for position, (slug, en, es, access, region, secretariat, desc_en, desc_es) in enumerate(
        CATEGORIES, start=1
    ):
        region_obj = Region.objects.filter(code=region).first() if region else None
        if access == "region" and region_obj is None:
            continue
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": en,
                "name_es": es,
                "description_en": desc_en,
                "description_es": desc_es,
                "position": position * 10,
                "access": access,
                "region": region_obj,
                "topics_by_secretariat_only": secretariat,
            },
        )
    return categories


def demo_load() -> None:
    """Create the demo categories and topics (idempotent); skip what the portal lacks."""
    users = {u.email: u for u in User.objects.filter(email__endswith="@demo.wg.example")}
    if not users:
        return
    with transaction.atomic():
        categories = _load_categories()
        for profile_email, handle in (("agency.unicef@demo.wg.example", "uma"),):
            if profile_email in users:
                try:
                    services.forum_profile_update(user=users[profile_email], handle=handle)
                except Exception:  # noqa: BLE001 - a taken handle is fine in a demo
                    pass
        for slug, title, language, iso3, pinned, posts in TOPICS:
            category = categories.get(slug)
            if category is None or Topic.objects.filter(title=title).exists():
                continue
            if any(email not in users for email, _text in posts):
                continue
            subject = Country.objects.filter(iso3=iso3).first() if iso3 else None
            author, text = posts[0]
            topic = services.topic_create(
                user=users[author],
                category=category,
                title=title,
                source=text,
                language=language,
                subject=subject,
                notify=False,
                enforce_rate_limit=False,
            )
            for author, text in posts[1:]:
                services.post_create(
                    user=users[author],
                    topic=topic,
                    source=text,
                    language=language,
                    notify=False,
                    enforce_rate_limit=False,
                )
            if pinned:
                Topic.objects.filter(pk=topic.pk).update(pinned=True)
