from django.urls import path

from gosportal.notifications import stream, views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("<int:notification_id>/read/", views.mark_read_view, name="mark_read"),
    path("<int:notification_id>/unread/", views.mark_unread_view, name="mark_unread"),
    path("read-all/", views.mark_all_read_view, name="mark_all_read"),
    path("stream/", stream.stream_view, name="stream"),
    path("poll/", stream.poll_view, name="poll"),
    path("history/", views.history_view, name="history"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/confirm/", views.confirm_view, name="confirm"),
    path("settings/resend/", views.resend_view, name="resend"),
    path("push/subscribe/", views.push_subscribe_view, name="push_subscribe"),
    path(
        "push/<int:subscription_id>/unsubscribe/",
        views.push_unsubscribe_view,
        name="push_unsubscribe",
    ),
    path("receipts/sms/", views.sms_receipt_view, name="sms_receipt"),
]
