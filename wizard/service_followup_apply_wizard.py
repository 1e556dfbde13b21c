from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.date_checks import check_date_years


class ServiceFollowupApplyWizard(models.TransientModel):
    _name = "service.followup.apply.wizard"
    _description = "Apply a Follow-up Plan"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    plan_id = fields.Many2one(
        "service.followup.plan",
        required=True,
        domain="['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]",
    )
    company_ids = fields.Many2many("res.company", compute="_compute_company_ids")
    start_date = fields.Date(
        string="Count From",
        required=True,
        default=fields.Date.context_today,
        help="The plan's delays count from this date.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "order_ids" in fields_list and not values.get("order_ids"):
            if self.env.context.get("active_model") == "sale.order":
                values["order_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    @api.constrains("start_date")
    def _check_start_date_years(self):
        check_date_years(self, ["start_date"])

    @api.depends("order_ids")
    def _compute_company_ids(self):
        for wizard in self:
            wizard.company_ids = wizard.order_ids.company_id

    def action_apply(self):
        self.ensure_one()
        orders = self.order_ids
        not_confirmed = orders.filtered(lambda o: o.state != "sale")
        if not_confirmed:
            raise UserError(
                self.env._(
                    "Follow-ups are for confirmed orders: confirm %(orders)s first.",
                    orders=", ".join(not_confirmed.mapped("name")),
                )
            )
        plan = self.plan_id
        other_company = orders.filtered(
            lambda o: plan.company_id and o.company_id != plan.company_id
        )
        if other_company:
            raise UserError(
                self.env._(
                    "Plan '%(plan)s' belongs to %(company)s; it cannot be applied to %(orders)s.",
                    plan=plan.name,
                    company=plan.company_id.name,
                    orders=", ".join(other_company.mapped("name")),
                )
            )
        if not plan.step_ids:
            raise UserError(self.env._("Plan '%(plan)s' has no steps.", plan=plan.name))
        followups = orders._plan_followups(
            plan.trigger, plans=plan, start=self.start_date, force=True
        )
        if not followups:
            raise UserError(
                self.env._(
                    "Every step of plan '%(plan)s' is already planned for %(orders)s.",
                    plan=plan.name,
                    orders=", ".join(orders.mapped("name")),
                )
            )
        if len(orders) == 1:
            return orders.action_view_followups()
        return {"type": "ir.actions.act_window_close"}
