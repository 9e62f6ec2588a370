"""The embedded default for trying the product out: SQLite, filesystem broker, console email."""

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SHOW_DEMO_SIGNINS = True

for _folder in ("media", "staticfiles"):
    (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)
