"""platform tables v2: the clock records its jump (target, where it began, the runner's lease, the last error)

A jump's date used to be written first and its daily jobs run afterwards: a jump that failed or never ended
(`9999-12-31`) left the clock at a date whose work was not done, and it cannot go back. Now the clock's
`today` is the last day whose jobs all committed, and these columns say where the jump is going.

Revision ID: cert0003
Revises: cert0002
Create Date: 2026-12-02
"""

from partnerhub.db.platform import add_clock_progress, drop_clock_progress

revision = "cert0003"
down_revision = "cert0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_clock_progress()


def downgrade() -> None:
    drop_clock_progress()
