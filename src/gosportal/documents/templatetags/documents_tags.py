"""Template tags that show issued documents on pages of other apps without those apps
importing this one: the result document on the applicant's card (APP-6, OFF-3)."""

from django import template

from gosportal.documents import selectors

register = template.Library()


@register.inclusion_tag("documents/_result.html")
def result_documents(application, user):
    """«Результат» on the applicant's card: the signed documents the agency issued for
    this application, to download and to check; nothing while there are none."""
    return {
        "application": application,
        "documents": selectors.documents_for_reference(user, application.number),
    }
