from partnerhub.db.migrations import run_env

from learning.tables import metadata

run_env(metadata)
