"""The operational store: what people do and decide (alerts, their history, reviews and
outcomes, opt-outs), in SQLAlchemy models migrated by Alembic; SQLite embedded, PostgreSQL in
production. Analytics (scores with their factors) stay in the warehouse."""
