from odoo import fields, models
from odoo.exceptions import UserError


class ServiceHistory(models.Model):
    """Repair entries: a repair order done, written into the history of its
    customer and piece; and the repairs of a case."""

    _inherit = "service.history"

    # Written by the repair when it is done, never by hand (the workflow's).
    _repair_fields = ("repair_id", "repair_case_id", "repair_internal_notes")

    repair_id = fields.Many2one(
        "repair.order",
        string="Repair Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        groups="stock.group_stock_user",
        help="The repair order done that this entry records.",
    )
    repair_case_id = fields.Many2one(
        "service.history",
        string="Answers Case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        help="The complaint or repair case this repair answered.",
    )
    repair_internal_notes = fields.Html(
        string="Repair Notes",
        readonly=True,
        copy=False,
        groups="base.group_user",  # the technician's notes: never shown to the customer
        help="The repair order's internal notes, as they were when it was done.",
    )
    repair_ids = fields.One2many(
        "repair.order", "service_case_id", string="Repairs", groups="stock.group_stock_user"
    )
    repair_count = fields.Integer(compute="_compute_repair_count", groups="stock.group_stock_user")

    def _compute_repair_count(self):
        counts = dict(
            self.env["repair.order"]._read_group(
                [("service_case_id", "in", self.ids)], ["service_case_id"], ["__count"]
            )
        )
        for entry in self:
            entry.repair_count = counts.get(entry, 0)

    # === CRUD ===

    def _check_workflow_create_vals(self, vals):
        super()._check_workflow_create_vals(vals)
        owned = [name for name in self._repair_fields if vals.get(name)]
        if owned:
            self._raise_workflow_error(owned)

    def write(self, vals):
        if not self._in_workflow():
            owned = [name for name in self._repair_fields if name in vals]
            if owned:
                self._raise_workflow_error(owned)
        return super().write(vals)

    # === ACTION METHODS ===

    def action_create_repair(self):
        """A new repair order answering this case: its customer, and its
        piece's product, serial number and warranty, filled in."""
        self.ensure_one()
        if not self.is_case or self.case_state not in ("open", "in_progress"):
            raise UserError(
                self.env._(
                    "A repair order answers an open case: %(entry)s is not one.",
                    entry=self.display_name,
                )
            )
        return self.env["repair.order"]._action_create_from_service(
            piece=self.equipment_id, case=self
        )

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("service_case_id", "=", self.id)]
        action["context"] = {"default_service_case_id": self.id}
        return action

    def action_view_repair(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "view_mode": "form",
            "res_id": self.repair_id.id,
        }
