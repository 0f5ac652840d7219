import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Closure materials are written to storage: keep them out of the working tree.
    settings.MEDIA_ROOT = tmp_path / "media"
