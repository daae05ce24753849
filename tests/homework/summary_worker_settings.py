"""Settings for the real-worker test: the test settings with a real queue, files in a tmp dir.

The database is whatever DATABASE_URL names (the test points it at a throwaway SQLite
file); the broker is that database, or Redis when REDIS_URL is set.
"""

import os

from practice_site.settings.test import *  # noqa: F403
from practice_site.settings.test import Q_CLUSTER

WORK_DIR = os.environ["SUMMARY_WORKER_DIR"]

Q_CLUSTER = {**Q_CLUSTER, "sync": False, "workers": 1, "timeout": 60, "retry": 150, "poll": 0.2}
# Its own queue name, so a run never picks up (or leaves) work in anyone else's queue.
Q_CLUSTER["name"] = f"summary-worker-test-{os.path.basename(WORK_DIR)}"
PRIVATE_ROOT = os.path.join(WORK_DIR, "private")
MEDIA_ROOT = os.path.join(WORK_DIR, "media")
