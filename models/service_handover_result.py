from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .sale_order_handover import SALES_HANDOVER_STATES


class ServiceHandoverResult(models.Model):
    _name = "service.handover.result"
    _inherit = ["service.workflow.mixin"]
    _description = "Handover Check Result"
    _order = "sequence, id"

    # Results are computed by the checks and ticked by action_tick only.
    _workflow_create_fields = ("order_id", "check_id")
    _derived_fields = ("company_id", "sequence")
    _workflow_fields = (
        *_workflow_create_fields,
        "state",
        "reason",
        "checked_by_id",
        "checked_date",
    )

    order_id = fields.Many2one(
        "sale.order", string="Sales Order", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    check_id = fields.Many2one(
        "service.handover.check", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char(related="check_id.name")
    description = fields.Text(related="check_id.description")
    sequence = fields.Integer(related="check_id.sequence", store=True)
    kind = fields.Selection(related="check_id.kind")
    severity = fields.Selection(related="check_id.severity")
    state = fields.Selection(
        [
            ("pass", "Passed"),
            ("fail", "Failed"),
            ("warning", "Warning"),
            ("todo", "To Tick"),
            ("done", "Ticked"),
        ],
        required=True,
        default="todo",
    )
    reason = fields.Text(help="Why the check fails, and what to fix.")
    checked_by_id = fields.Many2one("res.users", string="Ticked by")
    checked_date = fields.Datetime(string="Ticked on")

    _order_check_unique = models.Constraint(
        "UNIQUE(order_id, check_id)", "An order has one result per handover check."
    )

    def _save_outcome(self, outcome):
        """Store the outcome of a run of the checks, in one statement.

        ``outcome`` maps ``(order, check)`` to ``{"state": ..., "reason": ...}``
        for automatic checks and to ``{}`` for manual items. Missing results are
        inserted; automatic results whose state or reason changed are updated;
        ticked manual items keep their tick. One ``INSERT ... ON CONFLICT``
        whatever the number of orders.

        Raw SQL because the ORM cannot meet the handover's goal (queries that do
        not grow with the orders): it inserts 100 rows a query, then updates the
        stored related fields 100 rows a query. Measured by ``make bench`` (each
        order with its own customer): through the ORM 26 queries for 100 orders
        and 151 for 1 000 (1.9 s); with this statement 11 and 11 (0.5 s). The
        company comes from the order and the sequence from the check in the same
        statement, so the rows are consistent by construction.
        Two runs on one order at once end in a serialization failure, which
        Odoo retries, not in an error on the one-result-per-check constraint.

        Only ``state`` and ``reason`` come from the checks: the other stored
        fields are filled here, so a field added by another module to this
        model must be filled by overriding this method.
        """
        if not outcome:
            return self.browse()
        self.flush_model()
        self.env["sale.order"].flush_model(["company_id"])
        self.env["service.handover.check"].flush_model(["sequence"])
        keys = list(outcome)
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO service_handover_result AS result
                       (order_id, check_id, company_id, sequence, state, reason,
                        create_uid, create_date, write_uid, write_date)
                SELECT row.order_id, row.check_id, sale_order.company_id,
                       service_handover_check.sequence, row.state, row.reason,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(order_ids)s::int[], %(check_ids)s::int[],
                              %(states)s::varchar[], %(reasons)s::text[])
                       AS row(order_id, check_id, state, reason)
                  JOIN sale_order ON sale_order.id = row.order_id
                  JOIN service_handover_check ON service_handover_check.id = row.check_id
                ON CONFLICT (order_id, check_id) DO UPDATE
                   SET state = EXCLUDED.state, reason = EXCLUDED.reason,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                 WHERE (result.state, result.reason)
                       IS DISTINCT FROM (EXCLUDED.state, EXCLUDED.reason)
                   AND NOT (EXCLUDED.state = 'todo' AND result.state = 'done')
                RETURNING result.id
                """,
                uid=self.env.uid,
                now=now,
                order_ids=[order.id for order, _check in keys],
                check_ids=[check.id for _order, check in keys],
                states=[outcome[key].get("state", "todo") for key in keys],
                reasons=[outcome[key].get("reason") or None for key in keys],
            )
        )
        results = self.browse(row_id for (row_id,) in self.env.cr.fetchall())
        # The rows changed behind the ORM: forget them, and tell the orders
        # (their check counters depend on them) without reading the rows back.
        self.invalidate_model()
        orders = self.env["sale.order"].browse({order.id for order, _check in keys})
        orders.invalidate_recordset(["handover_result_ids"])
        orders.modified(["handover_result_ids"])
        return results

    def _get_fix(self):
        """Where the salesperson fixes this result (service.handover.blocked.line's
        ``fix``). A module adding a built-in check extends it."""
        self.ensure_one()
        if self.kind == "manual":
            return "checklist"
        method = self.check_id.method
        if method in ("customer_email", "customer_phone", "delivery_address"):
            return "customer"
        if method == "service_notes":
            return "notes"
        if method == "invoice_prices" and self.order_id.invoice_ids:
            return "invoices"
        return "order"

    def _is_blocking(self):
        """Failed blocking checks and blocking manual items not ticked."""
        return self.filtered(lambda r: r.severity == "blocking" and r.state in ("fail", "todo"))

    def action_tick(self):
        self._check_tickable()
        now = fields.Datetime.now()
        # Salespeople read results and tick through this action only, once
        # _check_tickable checked they may edit the order: sudo to write.
        for order, results in self.grouped("order_id").items():
            results.sudo()._workflow().write(
                {
                    "state": "done",
                    "checked_by_id": order._get_handover_acting_user("sales").id,
                    "checked_date": now,
                }
            )
        return True

    def action_untick(self):
        self._check_tickable()
        # See action_tick.
        self.sudo()._workflow().write(
            {"state": "todo", "checked_by_id": False, "checked_date": False}
        )
        return True

    def _get_workflow_initial_values(self):
        return {"state": "todo"}

    def _check_tickable(self):
        if any(result.kind != "manual" for result in self):
            raise UserError(self.env._("Only manual checks are ticked by hand."))
        closed = self.order_id.filtered(lambda o: o.handover_state not in SALES_HANDOVER_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "The handover of %(orders)s is already with the service department.",
                    orders=", ".join(closed.mapped("name")),
                )
            )
        self.order_id._check_handover_sales_side()
