"""The seed catalogue (CAT-4): at least 30 realistic services, every form definition
valid against the schema and renderable, and ``load_catalog`` idempotent."""

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from gosportal.catalog.data.seed_catalogue import SERVICES
from gosportal.catalog.form_render import build_form_class
from gosportal.catalog.forms_schema import definition_errors
from gosportal.catalog.models import Agency, Category, Service


def test_the_seed_has_at_least_thirty_services_in_several_categories():
    assert len(SERVICES) >= 30
    assert len({s["category"] for s in SERVICES}) >= 8
    assert len({s["slug"] for s in SERVICES}) == len(SERVICES)


@pytest.mark.parametrize("spec", SERVICES, ids=[s["slug"] for s in SERVICES])
def test_every_seeded_definition_is_valid_and_renders(spec):
    titles = [d["title"] for d in spec["required_documents"]]
    assert definition_errors(spec["form_definition"], documents=titles) == []
    form = build_form_class(spec["form_definition"], documents=spec["required_documents"])()
    html = render_to_string(
        "catalog/_definition_field.html", {"field": form[next(iter(form.fields))]}
    )
    assert 'for="id_' in html
    assert not form.is_bound
    # Submitting nothing is refused with a Russian message on a required field.
    empty = build_form_class(spec["form_definition"], documents=spec["required_documents"])(data={})
    required = [k for k, f in empty.fields.items() if f.required]
    if required:
        assert not empty.is_valid()
        assert any(
            m in empty.errors[required[0]][0]
            for m in ("Заполните поле.", "Отметьте, чтобы продолжить.", "Приложите файл.")
        )


@pytest.mark.django_db
def test_load_catalog_creates_the_catalogue_once(capsys):
    call_command("load_catalog")
    counts = (Agency.objects.count(), Category.objects.count(), Service.objects.count())
    assert counts[2] == len(SERVICES)
    call_command("load_catalog")
    assert (Agency.objects.count(), Category.objects.count(), Service.objects.count()) == counts
    assert f"0 new and {len(SERVICES)} updated services" in capsys.readouterr().out


@pytest.mark.django_db
def test_reloading_keeps_popularity_and_publication_state():
    call_command("load_catalog")
    Service.objects.filter(slug="zamena-pasporta").update(popularity=5, is_published=False)
    call_command("load_catalog")
    service = Service.objects.get(slug="zamena-pasporta")
    assert (service.popularity, service.is_published) == (5, False)


@pytest.mark.django_db
def test_seeded_passport_services_are_found_by_a_declined_word():
    from gosportal.catalog import search, selectors

    call_command("load_catalog")
    found = [s.slug for s in search.search(selectors.published_services(), "паспорта")]
    assert {"zamena-pasporta", "zagranpasport"} <= set(found[:3]) | set(found)
    assert found.index("zamena-pasporta") < found.index("registratsiya-po-mestu-zhitelstva")


def test_the_documented_example_definition_is_valid():
    import json
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "catalog.md").read_text()
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    assert definition_errors(example, documents=["Документ об изменении ФИО"]) == []


@pytest.mark.django_db
def test_seeded_services_carry_their_cancellation_policies():
    """APP-8: registrations and declarations run to completion; benefits, subsidies and
    queues may be stopped at any time; the rest until the agency starts work."""
    call_command("load_catalog")
    policies = dict(Service.objects.values_list("slug", "cancellation_policy"))
    assert policies["registratsiya-ip"] == Service.Cancellation.NEVER
    assert policies["deklaratsiya-3-ndfl"] == Service.Cancellation.NEVER
    assert policies["edinoe-posobie"] == Service.Cancellation.WHILE_ACTIVE
    assert policies["zapis-v-detskij-sad"] == Service.Cancellation.WHILE_ACTIVE
    assert policies["zamena-pasporta"] == Service.Cancellation.BEFORE_WORK
    never = Service.objects.filter(cancellation_policy=Service.Cancellation.NEVER)
    assert never.count() >= 2 and not never.filter(cancellation_note="").exists()
