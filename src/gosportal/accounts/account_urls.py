"""URL patterns of this part of accounts (included by accounts/urls.py).

Contacts (REC-3), data export (PROF-7), deletion (REC-4), switching accounts (REG-6).
"""

from django.urls import path

from gosportal.accounts import account_views as views

urlpatterns = [
    path("contacts/", views.contacts_view, name="contacts"),
    path("contacts/phone/", views.contact_change_view, {"field": "phone"}, name="contacts_phone"),
    path("contacts/email/", views.contact_change_view, {"field": "email"}, name="contacts_email"),
    path("contacts/confirm/", views.contact_confirm_view, name="contacts_confirm"),
    path("contacts/resend/", views.contact_resend_view, name="contacts_resend"),
    path("contacts/lost/", views.contact_lost_view, name="contacts_lost"),
    path("contacts/cancel/", views.contact_cancel_view, name="contacts_cancel"),
    path("export/", views.export_view, name="export"),
    path("delete/", views.delete_view, name="delete"),
    path("deleted/", views.deleted_view, name="deleted"),
    path("switch/", views.switch_list_view, name="switch"),
    path("switch/to/", views.switch_view, name="switch_to"),
    path("switch/add/", views.switch_add_view, name="switch_add"),
    path("switch/logout/", views.logout_and_switch_view, name="logout_and_switch"),
]
