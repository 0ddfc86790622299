"""Russian full-text search over the published services (CAT-1).

Both databases stem with the same Snowball Russian algorithm, so a declined form
(«паспорта») finds the base one («паспорт»):

* PostgreSQL keeps a ``tsvector`` (configuration ``russian``) in
  ``Service.search_vector`` with a GIN index and queries it with ``plainto_tsquery``;
* SQLite keeps an FTS5 table ``catalog_service_fts`` whose text is stemmed here in
  Python with ``snowballstemmer`` and queries it with stemmed, quoted terms.

The query is reduced to words (letters and digits) before either database sees it,
so quotes, ``*``, ``NEAR(`` and other operators are plain text, never syntax. Both
drop PostgreSQL's Russian stop words, so «и», «в», «на» never decide a match.
"""

import re
from functools import cache

import snowballstemmer
from django.db import connection
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from gosportal.catalog.models import Service

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
_WORD = re.compile(r"[^\W_]+")

# PostgreSQL's tsearch_data/russian.stop: words the 'russian' configuration ignores.
RUSSIAN_STOP_WORDS = frozenset(
    """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по
    только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если
    уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей
    может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз
    тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом
    один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец
    два об другой хоть после над больше тот через эти нас про всего них какая много
    разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой
    им более всегда конечно всю между
    """.split()  # noqa: SIM905
)


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


def words(text: str) -> list[str]:
    """The query's words, lower-cased, without stop words (at most MAX_QUERY_WORDS)."""
    found = _WORD.findall((text or "")[:MAX_QUERY_LENGTH].lower())
    return [w for w in found if w not in RUSSIAN_STOP_WORDS][:MAX_QUERY_WORDS]


def stem(word: str) -> str:
    """A word's Snowball stem: Russian, or English for Latin letters (as PostgreSQL)."""
    if word.isdigit():
        return word
    language = "english" if word.isascii() else "russian"
    return _stemmer(language).stemWord(word)


def stemmed_text(text: str) -> str:
    return " ".join(
        stem(w) for w in _WORD.findall((text or "").lower()) if w not in RUSSIAN_STOP_WORDS
    )


def _texts(service: Service) -> tuple[str, str, str]:
    """Title (weight A), summary (B) and the rest (C) of a service, as indexed."""
    rest = " ".join(
        [
            service.description,
            service.result_description,
            service.agency.short_name,
            service.category.name,
        ]
    )
    return service.title, service.short_description, rest


def index_service(service: Service) -> None:
    """Bring the search index of one service up to date with its texts."""
    title, summary, rest = _texts(service)
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "UPDATE catalog_service SET search_vector = "
                "setweight(to_tsvector('russian', %s), 'A') || "
                "setweight(to_tsvector('russian', %s), 'B') || "
                "setweight(to_tsvector('russian', %s), 'C') WHERE id = %s",
                [title, summary, rest, service.pk],
            )
        elif vendor == "sqlite":
            cursor.execute("DELETE FROM catalog_service_fts WHERE rowid = %s", [service.pk])
            cursor.execute(
                "INSERT INTO catalog_service_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [service.pk, stemmed_text(title), stemmed_text(f"{summary} {rest}")],
            )


def unindex_service(service_id: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_service_fts WHERE rowid = %s", [service_id])


def search(queryset: QuerySet[Service], text: str) -> QuerySet[Service]:
    """Services of ``queryset`` matching every word of ``text``, best match first.

    Annotates ``relevance`` (higher is better); ties go to the more popular service.
    An input without any searchable word matches nothing.
    """
    terms = words(text)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(" ".join(terms), config="russian", search_type="plain")
        return (
            queryset.filter(search_vector=query)
            .annotate(relevance=SearchRank(F("search_vector"), query))
            .order_by("-relevance", "-popularity", "title", "pk")
        )
    match = " ".join(f'"{stem(t)}"' for t in terms)
    # bm25() is lower for better matches; the title column weighs ten times the body.
    relevance = RawSQL(
        "SELECT -bm25(catalog_service_fts, 10.0, 1.0) FROM catalog_service_fts "
        "WHERE catalog_service_fts MATCH %s AND catalog_service_fts.rowid = catalog_service.id",
        [match],
        output_field=FloatField(),
    )
    return (
        queryset.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM catalog_service_fts WHERE catalog_service_fts MATCH %s", [match]
            )
        )
        .annotate(relevance=relevance)
        .order_by("-relevance", "-popularity", "title", "pk")
    )
