"""URL patterns of the officer and operator desks."""

from django.urls import path

from gosportal.backoffice import (
    appeal_views,
    application_views,
    certificate_views,
    home_views,
    remote_views,
    staff_views,
    support_views,
    views,
)

app_name = "backoffice"

urlpatterns = [
    path("", home_views.home_view, name="home"),
    path("service-centre/", views.service_centre_view, name="service_centre"),
    path(
        "service-centre/decide/",
        views.service_centre_decide_view,
        name="service_centre_decide",
    ),
    # REG-5, OFF-1: an agency's staff, managed by its administrator; activation links.
    path("staff/", staff_views.staff_list_view, name="staff"),
    path("staff/new/", staff_views.staff_new_view, name="staff_new"),
    path("staff/<int:pk>/", staff_views.staff_detail_view, name="staff_detail"),
    path("staff/<int:pk>/deactivate/", staff_views.staff_deactivate_view, name="staff_deactivate"),
    path("staff/<int:pk>/invite/", staff_views.staff_invite_view, name="staff_invite"),
    path("activate/<str:token>/", staff_views.activate_view, name="activate"),
    # OFF-3, DOC-3: the agency's signing certificate, managed by its administrator.
    path("certificate/", certificate_views.certificate_view, name="certificate"),
    path("certificate/issue/", certificate_views.issue_view, name="certificate_issue"),
    path("certificate/revoke/", certificate_views.revoke_view, name="certificate_revoke"),
    # PROF-3: birth date and sex change requests, decided by support.
    path("data-requests/", support_views.queue_view, name="data_requests"),
    path("data-requests/<int:request_id>/", support_views.detail_view, name="data_request"),
    path(
        "data-requests/<int:request_id>/document/",
        support_views.document_view,
        name="data_request_document",
    ),
    # REG-3: remote passport checks, reviewed by the remote-check operators.
    path("remote-checks/", remote_views.queue_view, name="remote_checks"),
    path("remote-checks/<int:check_id>/", remote_views.detail_view, name="remote_check"),
    path(
        "remote-checks/<int:check_id>/<str:which>/",
        remote_views.image_view,
        name="remote_check_image",
    ),
    # OFF-2, OFF-3: an agency's applications, its officers' queue and decisions.
    path("applications/", application_views.queue_view, name="applications"),
    path("applications/<str:number>/", application_views.detail_view, name="application"),
    path("applications/<str:number>/take/", application_views.take_view, name="application_take"),
    path(
        "applications/<str:number>/assign/",
        application_views.assign_view,
        name="application_assign",
    ),
    path(
        "applications/<str:number>/clarify/",
        application_views.clarify_view,
        name="application_clarify",
    ),
    path(
        "applications/<str:number>/approve/",
        application_views.approve_view,
        name="application_approve",
    ),
    path(
        "applications/<str:number>/reject/",
        application_views.reject_view,
        name="application_reject",
    ),
    path(
        "applications/<str:number>/reject-no-answer/",
        application_views.reject_no_answer_view,
        name="application_reject_no_answer",
    ),
    # APP-4: after approval — ready to collect, completed.
    path(
        "applications/<str:number>/ready/",
        application_views.ready_view,
        name="application_ready",
    ),
    path(
        "applications/<str:number>/complete/",
        application_views.complete_view,
        name="application_complete",
    ),
    path(
        "applications/<str:number>/files/<int:attachment_id>/",
        application_views.attachment_view,
        name="application_attachment",
    ),
    # APP-9: appeals against the agency's refusals, for appeal officers and the head.
    path("appeals/", appeal_views.queue_view, name="appeals"),
    path("appeals/<int:appeal_id>/", appeal_views.detail_view, name="appeal"),
    path("appeals/<int:appeal_id>/take/", appeal_views.take_view, name="appeal_take"),
    path("appeals/<int:appeal_id>/decide/", appeal_views.decide_view, name="appeal_decide"),
    path(
        "appeals/<int:appeal_id>/files/<int:evidence_id>/",
        appeal_views.evidence_view,
        name="appeal_evidence",
    ),
]
