"""19.0.3.0.0: a step held by an open complaint chooses to wait for it to close
or to skip; the "Follow-up" contact type gets an icon of its own.

- ``skip_if_open_complaint`` (a boolean whose shipped steps "wait while a
  complaint is open") became ``open_complaint_policy``: the steps that had it
  wait for the complaint to close (at most their ``complaint_wait_days``), the
  others are carried out as before. The old column is still there when this
  runs (Odoo drops it at the end of the upgrade).
- The shipped "Follow-up" type shared the phone icon of "Call": it gets the
  follow-ups' calendar icon, unless an administrator changed it (its record is
  never updated by the module's data).
"""


def _column_exists(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [table, column],
    )
    return bool(cr.rowcount)


def migrate(cr, version):
    if not version:
        return
    if _column_exists(cr, "service_followup_plan_step", "skip_if_open_complaint"):
        cr.execute(
            """UPDATE service_followup_plan_step SET open_complaint_policy = 'wait'
                WHERE skip_if_open_complaint"""
        )
    cr.execute(
        """UPDATE service_history_type SET icon = 'fa-calendar-check-o'
            WHERE icon = 'fa-phone'
              AND id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'sale_after_sales' AND name = 'history_type_followup')"""
    )
