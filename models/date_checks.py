"""Dates typed by users, imported or written over RPC, checked before Odoo
stores or tracks them."""

from odoo.exceptions import ValidationError

# Odoo writes a date with ``strftime('%Y')``, which does not pad a year before
# 1000 to four digits ("26-01-01"): the chatter's tracking of such a date, and
# reading it back, fail. A year typed with a zero first ("0026" for 2026) is a
# typo anyway.
MIN_YEAR = 1000


def check_date_years(records, field_names):
    """Refuse, with a message naming the record and the field, a date of
    ``field_names`` before the year 1000 on any of ``records``."""
    for record in records:
        for name in field_names:
            value = record[name]
            if value and value.year < MIN_YEAR:
                raise ValidationError(
                    record.env._(
                        "%(record)s: %(field)s is in the year %(year)s. Check the year.",
                        record=record.display_name,
                        field=record._fields[name]._description_string(record.env),
                        year=value.year,
                    )
                )
