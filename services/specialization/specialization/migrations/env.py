from partnerhub.db.migrations import run_env
from specialization.tables import metadata

run_env(metadata)
