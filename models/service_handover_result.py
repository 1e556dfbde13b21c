from odoo import fields, models
from odoo.exceptions import UserError


class ServiceHandoverResult(models.Model):
    _name = "service.handover.result"
    _description = "Handover Check Result"
    _order = "sequence, id"

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

    def _is_blocking(self):
        """Failed blocking checks and blocking manual items not ticked."""
        return self.filtered(lambda r: r.severity == "blocking" and r.state in ("fail", "todo"))

    def action_tick(self):
        self._check_tickable()
        self.write(
            {
                "state": "done",
                "checked_by_id": self.env.user.id,
                "checked_date": fields.Datetime.now(),
            }
        )
        return True

    def action_untick(self):
        self._check_tickable()
        self.write({"state": "todo", "checked_by_id": False, "checked_date": False})
        return True

    def _check_tickable(self):
        if any(result.kind != "manual" for result in self):
            raise UserError(self.env._("Only manual checks are ticked by hand."))
        closed = self.order_id.filtered(
            lambda o: o.handover_state not in ("not_started", "checking", "sent_back")
        )
        if closed:
            raise UserError(
                self.env._(
                    "The handover of %(orders)s is already with the service department.",
                    orders=", ".join(closed.mapped("name")),
                )
            )
        self.order_id._check_handover_sales_side()
