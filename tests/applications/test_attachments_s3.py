"""OPS-2: an attachment uploaded through the application page lands in the S3-compatible
bucket (a local moto server) as ciphertext only, is served back to its owner through the
ownership-checked view, to nobody else, and leaves the bucket when deleted."""

import pytest
from django.urls import reverse

from gosportal.core import vault
from tests.applications.conftest import VALID, pdf, png
from tests.conftest import sign_in_as
from tests.profiles.scan_files import png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.s3]


def test_an_uploaded_attachment_is_kept_encrypted_in_the_bucket_and_served_to_its_owner(
    client, citizen, other_citizen, draft, s3_vault, django_capture_on_commit_callbacks
):
    sign_in_as(client, citizen)
    edit = reverse("applications:edit", kwargs={"ref": draft.ref})
    response = client.post(edit, {**VALID, "action": "upload:0", "files_0": [pdf(), png()]})
    assert response.status_code == 302

    photo = draft.attachments.get(name="photo.png")
    key = vault.locate(photo.vault_name)
    assert key in s3_vault.names() and len(s3_vault.names()) == 2
    in_bucket = s3_vault.object(key)
    assert in_bucket.startswith(b"gcm1:")
    assert png_bytes() not in in_bucket and b"\x89PNG" not in in_bucket

    url = reverse("applications:attachment", kwargs={"ref": draft.ref, "attachment_id": photo.pk})
    served = client.get(url)
    assert served.status_code == 200 and served.content == png_bytes()
    assert served["Cache-Control"] == "no-store"

    sign_in_as(client, other_citizen)
    assert client.get(url).status_code == 404

    sign_in_as(client, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {**VALID, "action": f"delete:{photo.pk}"})
    assert not draft.attachments.filter(pk=photo.pk).exists()
    assert key not in s3_vault.names() and len(s3_vault.names()) == 1
