"""19.0.2.0.0: step fields named as Odoo's activity plans name them, and the
order's "handed over by" named for what it is.

Renamed before the module's models load, so that the ORM finds the columns
(with their data and translations) under their new names instead of creating
empty ones and dropping the old: the column, its ``ir.model.fields`` row and
external id, its selection values and its foreign key.

The column is renamed with Odoo's own helpers (``odoo.tools.sql``); Odoo
Community has none for the rest (its upgrade library, ``odoo/upgrade-util``, is
not distributed with it), which is written here in SQL.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists, constraint_definition, rename_column

_logger = logging.getLogger(__name__)

RENAMED = {
    "service.followup.plan.step": [
        ("delay", "delay_count"),
        ("activity_summary", "summary"),
        ("activity_note", "note"),
        ("assign_to", "responsible_type"),
        ("user_id", "responsible_id"),
    ],
    "sale.order": [("handover_user_id", "handed_over_by_id")],
}


def _rename_field(cr, model, old, new):
    table = model.replace(".", "_")
    if not column_exists(cr, table, old) or column_exists(cr, table, new):
        return
    rename_column(cr, table, old, new)
    cr.execute(
        "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s", [new, model, old]
    )
    prefix = f"field_{table}__"
    cr.execute(
        """UPDATE ir_model_data SET name = %s
            WHERE module = 'sale_after_sales' AND model = 'ir.model.fields' AND name = %s""",
        [prefix + new, prefix + old],
    )
    # Selection values: selection__<table>__<field>__<value>
    cr.execute(
        """UPDATE ir_model_data
              SET name = replace(name, %s, %s)
            WHERE module = 'sale_after_sales' AND model = 'ir.model.fields.selection'
              AND name LIKE %s""",
        [
            f"selection__{table}__{old}__",
            f"selection__{table}__{new}__",
            f"selection__{table}__{old}__%",
        ],
    )
    old_fkey, new_fkey = f"{table}_{old}_fkey", f"{table}_{new}_fkey"
    if constraint_definition(cr, table, old_fkey):
        cr.execute(
            SQL(
                "ALTER TABLE %s RENAME CONSTRAINT %s TO %s",
                SQL.identifier(table),
                SQL.identifier(old_fkey),
                SQL.identifier(new_fkey),
            )
        )
        cr.execute("UPDATE ir_model_constraint SET name = %s WHERE name = %s", [new_fkey, old_fkey])
    _logger.info("sale_after_sales: %s.%s renamed to %s", model, old, new)


def migrate(cr, version):
    if not version:
        return
    # One follow-up per order and step became one per order, step, piece of
    # equipment and date (a unique index declared under another name).
    cr.execute(
        "ALTER TABLE service_followup DROP CONSTRAINT IF EXISTS service_followup_order_step_unique"
    )
    cr.execute("DELETE FROM ir_model_constraint WHERE name = 'service_followup_order_step_unique'")
    for model, pairs in RENAMED.items():
        for old, new in pairs:
            _rename_field(cr, model, old, new)
    # A fixed user is "other" in Odoo's activity plans.
    cr.execute(
        "UPDATE service_followup_plan_step SET responsible_type = 'other' "
        "WHERE responsible_type = 'user'"
    )
    cr.execute(
        """UPDATE ir_model_fields_selection SET value = 'other'
            WHERE value = 'user' AND field_id = (
                SELECT id FROM ir_model_fields
                 WHERE model = 'service.followup.plan.step' AND name = 'responsible_type')"""
    )
    cr.execute(
        """UPDATE ir_model_data SET name = replace(name, '__user', '__other')
            WHERE module = 'sale_after_sales' AND model = 'ir.model.fields.selection'
              AND name = 'selection__service_followup_plan_step__responsible_type__user'"""
    )
