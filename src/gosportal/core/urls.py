from django.urls import path

from gosportal.core import audit_views, metrics, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("audit/sth/", audit_views.latest_tree_head, name="audit_sth"),
    path("audit/proof/<int:event_id>/", audit_views.download_proof, name="audit_proof"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("bench/bare", views.bench_bare, name="bench_bare"),
]
