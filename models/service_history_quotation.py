"""A quotation made from a case (a complaint, a repair, a service request):
the order it becomes counts as brought by after-sales."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class ServiceHistory(models.Model):
    _inherit = "service.history"

    quotation_ids = fields.One2many(
        "sale.order", "after_sales_case_id", string="Quotations", readonly=True
    )
    quotation_count = fields.Integer(compute="_compute_quotation_count")

    @api.depends("quotation_ids")
    def _compute_quotation_count(self):
        groups = self.env["sale.order"]._read_group(
            [("after_sales_case_id", "in", self.ids)], ["after_sales_case_id"], ["__count"]
        )
        counts = {case.id: count for case, count in groups}
        for entry in self:
            entry.quotation_count = counts.get(entry.id, 0)

    def action_create_quotation(self):
        """A new quotation for the case's customer, as the user making it (his
        Sales rights apply), marked as coming from the case."""
        self.ensure_one()
        if not self.is_case:
            raise UserError(
                self.env._("Only a case (a complaint, a repair, a request) gets a quotation.")
            )
        order = self.env["sale.order"].create(self._prepare_quotation_vals())
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_quotations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.action_quotations_with_onboarding"
        )
        action["domain"] = [("after_sales_case_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _prepare_quotation_vals(self):
        self.ensure_one()
        order = self.order_id
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": (
                order.user_id or self.partner_id.commercial_partner_id.user_id or self.env.user
            ).id,
            "origin": self.display_name,
            "after_sales_origin": "complaint" if self.type_id.code == "complaint" else "request",
            "after_sales_case_id": self.id,
        }
