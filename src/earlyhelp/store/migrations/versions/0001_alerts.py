"""alerts, their history, data-quality reports and opt-outs

Revision ID: 0001
Revises:
Create Date: 2026-12-01 22:19:07.617397
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=128), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opt_out")),
    )
    with op.batch_alter_table("opt_out", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opt_out_person_id"), ["person_id"], unique=False)

    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=128), nullable=False),
        sa.Column("policy_sha256", sa.String(length=64), nullable=False),
        sa.Column("alert_count", sa.Integer(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replaced_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index(
            "uq_publication_current",
            ["month", "outcome"],
            unique=True,
            sqlite_where=sa.text("replaced_at IS NULL"),
            postgresql_where=sa.text("replaced_at IS NULL"),
        )

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("unit_type", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("assigned_to", sa.String(length=128), nullable=True),
        sa.Column("ventile", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("probability_low", sa.Float(), nullable=False),
        sa.Column("probability_high", sa.Float(), nullable=False),
        sa.Column("band_precision", sa.Float(), nullable=False),
        sa.Column("band_precision_low", sa.Float(), nullable=False),
        sa.Column("band_precision_high", sa.Float(), nullable=False),
        sa.Column("band_rows", sa.Integer(), nullable=False),
        sa.Column("band_positives", sa.Integer(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("household_members", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"], ["publication.id"], name=op.f("fk_alert_publication_id_publication")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_publication_id"), ["publication_id"], unique=False
        )
        batch_op.create_index("ix_alert_team_status", ["team", "status"], unique=False)
        batch_op.create_index("ix_alert_unit", ["outcome", "unit_id"], unique=False)

    op.create_table(
        "alert_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_event_alert_id_alert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_event")),
    )
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_event_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "data_quality_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.String(length=128), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_data_quality_report_alert_id_alert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_quality_report")),
    )
    with op.batch_alter_table("data_quality_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_quality_report_alert_id"), ["alert_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("data_quality_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_quality_report_alert_id"))

    op.drop_table("data_quality_report")
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_event_alert_id"))

    op.drop_table("alert_event")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_unit")
        batch_op.drop_index("ix_alert_team_status")
        batch_op.drop_index(batch_op.f("ix_alert_publication_id"))

    op.drop_table("alert")
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_publication_current",
            sqlite_where=sa.text("replaced_at IS NULL"),
            postgresql_where=sa.text("replaced_at IS NULL"),
        )

    op.drop_table("publication")
    with op.batch_alter_table("opt_out", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opt_out_person_id"))

    op.drop_table("opt_out")
