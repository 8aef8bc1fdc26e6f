from partnerhub.db.migrations import run_env
from probe import metadata

run_env(metadata)
