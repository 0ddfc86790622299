"""Loading the seed catalogue (``catalog/data/seed_catalogue.py``) into the database.

Idempotent: agencies, categories and services are matched by slug; existing
services get the seed's texts, terms and forms again but keep their popularity and
publication state, so editing a service in the admin and re-running is predictable
(the seed wins for what it defines).
"""

from django.db import transaction

from gosportal.catalog import services
from gosportal.catalog.data import seed_catalogue as data
from gosportal.catalog.models import Agency, Service
from gosportal.core.validators import inn_check_digits, ogrn_check_digit

_SERVICE_FIELDS = (
    "title",
    "short_description",
    "description",
    "result_description",
    "required_documents",
    "form_definition",
    "processing_days",
    "fee_kopecks",
    "fee_note",
    "min_level",
    "for_individuals",
    "for_entrepreneurs",
    "for_organizations",
    "service_type",
    "availability",
    "availability_message",
    "region_code",
    "cancellation_policy",
    "cancellation_note",
)


@transaction.atomic
def load_catalog() -> dict:
    """Create or update the seed agencies, categories and services; returns counts."""
    counts = {"agencies": 0, "categories": 0, "services_created": 0, "services_updated": 0}
    agencies = {}
    for slug, (short, full, region, inn_body, ogrn_body) in data.AGENCIES.items():
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            agency = services.create_agency(
                full_name=full,
                short_name=short,
                inn=inn_body + inn_check_digits(inn_body),
                ogrn=ogrn_body + ogrn_check_digit(ogrn_body),
                region_code=region,
                slug=slug,
            )
            counts["agencies"] += 1
        agencies[slug] = agency
    categories = {}
    for slug, (name, icon, order) in data.CATEGORIES.items():
        categories[slug], created = services.save_category(
            slug=slug, name=name, icon=icon, order=order
        )
        counts["categories"] += int(created)
    for spec in data.SERVICES:
        service = Service.objects.filter(slug=spec["slug"]).first()
        created = service is None
        if created:
            service = Service(slug=spec["slug"], is_published=True, popularity=spec["popularity"])
        for name in _SERVICE_FIELDS:
            setattr(service, name, spec[name])
        service.agency = agencies[spec["agency"]]
        service.category = categories[spec["category"]]
        services.save_service(service=service)
        counts["services_created" if created else "services_updated"] += 1
    return counts
