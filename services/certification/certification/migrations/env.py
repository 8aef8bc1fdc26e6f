from partnerhub.db.migrations import run_env

from certification.tables import metadata

run_env(metadata)
