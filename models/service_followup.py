from odoo import api, fields, models

from .service_followup_plan import TRIGGERS
from .service_history import SATISFACTION_LEVELS


class ServiceFollowup(models.Model):
    _name = "service.followup"
    _description = "After-Sales Follow-up"
    _order = "planned_date, id"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="order_id.partner_id.commercial_partner_id",
        string="Customer Entity",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    plan_id = fields.Many2one(
        "service.followup.plan", required=True, index=True, ondelete="restrict"
    )
    step_id = fields.Many2one(
        "service.followup.plan.step", required=True, index=True, ondelete="restrict"
    )
    trigger = fields.Selection(TRIGGERS, required=True)
    planned_date = fields.Date(required=True, index=True)
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("due", "Due"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
            ("failed", "Failed"),
        ],
        required=True,
        default="planned",
        index=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Assigned to", index=True, domain="[('share', '=', False)]"
    )
    activity_id = fields.Many2one("mail.activity", ondelete="set null", copy=False)
    mail_message_id = fields.Many2one(
        "mail.message", string="E-mail", ondelete="set null", copy=False
    )
    feedback = fields.Html(copy=False)
    satisfaction = fields.Selection(SATISFACTION_LEVELS, default="0", copy=False)
    done_by_id = fields.Many2one("res.users", string="Done by", copy=False)
    done_date = fields.Datetime(string="Done on", copy=False)
    failure_reason = fields.Text(copy=False)
    attempt_count = fields.Integer(copy=False)

    _order_step_unique = models.Constraint(
        "UNIQUE(order_id, step_id)",
        "An order gets each step of a follow-up plan once.",
    )

    @api.depends("step_id")
    def _compute_name(self):
        for followup in self:
            followup.name = followup.step_id.name

    def _cancel(self):
        """Cancel the pending follow-ups and drop their open activities."""
        pending = self.filtered(lambda f: f.state in ("planned", "due", "failed"))
        pending.activity_id.unlink()
        pending.write({"state": "cancelled"})
        return pending
