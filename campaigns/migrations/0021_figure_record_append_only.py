"""The database itself keeps the figures' public record append-only, for any code or SQL that
goes around the model (raw deletes, bulk SQL): no row is deleted, and of a row only the
correction changes, or its link to a figure or a user is emptied when that is deleted (Django's
SET_NULL). Compared as JSON, so a column added later is kept the same way. TRUNCATE is left to
the operator (a restore into an empty database, the test runner's flush)."""

from django.db import migrations

APPEND_ONLY = r"""
CREATE FUNCTION campaigns_figure_record_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'The figures'' public record is append-only: row % cannot be deleted.',
            OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - 'correction_note' - 'corrected_at' - 'figure_id' - 'published_by_id')
            IS DISTINCT FROM
        (to_jsonb(OLD) - 'correction_note' - 'corrected_at' - 'figure_id' - 'published_by_id')
        OR (NEW.figure_id IS DISTINCT FROM OLD.figure_id AND NEW.figure_id IS NOT NULL)
        OR (NEW.published_by_id IS DISTINCT FROM OLD.published_by_id
            AND NEW.published_by_id IS NOT NULL)
    THEN
        RAISE EXCEPTION 'The figures'' public record is append-only: row % keeps the value it '
            'was published with; only its correction can change.', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER figure_record_append_only
    BEFORE UPDATE OR DELETE ON campaigns_figurepublication
    FOR EACH ROW EXECUTE FUNCTION campaigns_figure_record_append_only();
"""

NOT_APPEND_ONLY = """
DROP TRIGGER figure_record_append_only ON campaigns_figurepublication;
DROP FUNCTION campaigns_figure_record_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0020_figures_count_by_source_motive_and_death")]

    operations = [migrations.RunSQL(APPEND_ONLY, NOT_APPEND_ONLY)]
