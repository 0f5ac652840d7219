import pytest
from django.conf import settings

# The app is wired into INSTALLED_APPS by the lead; until then these tests are not collected.
if "quality" not in settings.INSTALLED_APPS:
    collect_ignore_glob = ["*"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Closure materials and publicity photos are written to storage: keep them out of the tree.
    settings.MEDIA_ROOT = tmp_path / "media"
