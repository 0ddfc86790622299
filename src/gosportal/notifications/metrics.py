"""Notification gauges for the Prometheus endpoint (``core.metrics``): deliveries by
channel and status, read from the database at scrape time."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily


def collect_deliveries():
    from gosportal.notifications.models import Delivery

    deliveries = GaugeMetricFamily(
        "gosportal_deliveries",
        "Notification deliveries by channel and status",
        labels=["channel", "status"],
    )
    for row in Delivery.objects.values("channel", "status").annotate(n=Count("id")).order_by():
        deliveries.add_metric([row["channel"], row["status"]], row["n"])
    yield deliveries
