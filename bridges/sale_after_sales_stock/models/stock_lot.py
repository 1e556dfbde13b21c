from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    equipment_ids = fields.One2many("service.equipment", "lot_id", string="Customer Equipment")
    equipment_count = fields.Integer(compute="_compute_equipment_counts")
    equipment_history_count = fields.Integer(compute="_compute_equipment_counts")

    # === COMPUTE METHODS ===

    def _compute_equipment_counts(self):
        # What the current user may see of the module's records (nothing for an
        # Inventory user outside sales and after-sales).
        Equipment, History = self.env["service.equipment"], self.env["service.history"]
        if not (Equipment.has_access("read") and History.has_access("read")):
            self.equipment_count = self.equipment_history_count = 0
            return
        # The lot of a piece is Inventory's field: searched as the system, the
        # pieces then filtered by the user's rights.
        pieces = (
            Equipment.sudo()
            .search([("lot_id", "in", self.ids)])
            .sudo(False)
            ._filtered_access("read")
        )
        history = dict(
            History._read_group([("equipment_id", "in", pieces.ids)], ["equipment_id"], ["__count"])
        )
        for lot in self:
            mine = pieces.sudo().filtered(lambda p, lot=lot: p.lot_id == lot).sudo(False)
            lot.equipment_count = len(mine)
            lot.equipment_history_count = sum(history.get(piece, 0) for piece in mine)

    # === CRUD ===

    def write(self, vals):
        result = super().write(vals)
        if "name" in vals:
            # The pieces show the serial of their lot. (Their serial follows the
            # lot's, whoever renames it: sudo.)
            pieces = (
                self.env["service.equipment"]
                .sudo()
                ._workflow()
                .search([("lot_id", "in", self.ids)])
            )
            for piece in pieces:
                piece.with_context(
                    after_sales_serials_checked=True
                ).serial_number = piece.lot_id.name
        return result

    # === ACTION METHODS ===

    def action_view_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_equipment_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"search_default_filter_in_service": 0}
        if self.equipment_count == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.equipment_ids.id)
        return action

    def action_view_equipment_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_history_action"
        )
        action["domain"] = [("equipment_id.lot_id", "=", self.id)]
        action["context"] = {}
        return action
