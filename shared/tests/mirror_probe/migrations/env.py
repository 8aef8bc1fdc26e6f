from mirror_probe import metadata

from partnerhub.db.migrations import run_env

run_env(metadata)
