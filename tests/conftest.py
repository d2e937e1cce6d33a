"""Shared test set-up. Qt must be told to render off screen before it is first imported."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Window layouts saved with QSettings go to a throw-away folder, not the developer's config.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="gradviz-test-config-")
