"""The portal's own settings, with a bare view beside it (the benchmark's floor: bench.urls)."""

from yunfu_legalaid.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# No collectstatic for a benchmark: WhiteNoise would warn about the missing folder in every worker.
import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
