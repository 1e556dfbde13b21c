from odoo import fields, models


class ServiceEquipment(models.Model):
    _inherit = "service.equipment"

    repair_ids = fields.One2many(
        "repair.order", "service_equipment_id", string="Repairs", groups="stock.group_stock_user"
    )
    repair_count = fields.Integer(compute="_compute_repair_count", groups="stock.group_stock_user")

    def _compute_repair_count(self):
        counts = dict(
            self.env["repair.order"]._read_group(
                [("service_equipment_id", "in", self.ids)], ["service_equipment_id"], ["__count"]
            )
        )
        for piece in self:
            piece.repair_count = counts.get(piece, 0)

    # === ACTION METHODS ===

    def action_create_repair(self):
        """A new repair order of this piece: its customer, product, serial
        number and warranty filled in."""
        self.ensure_one()
        return self.env["repair.order"]._action_create_from_service(piece=self)

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("service_equipment_id", "=", self.id)]
        action["context"] = {"default_service_equipment_id": self.id}
        return action

    # === BUSINESS METHODS ===

    def _get_repair_lot(self):
        """This piece's lot or serial number in Inventory: its lot when the
        Inventory bridge links them, else the lot of its serial number."""
        self.ensure_one()
        if "lot_id" in self._fields and self.lot_id:
            return self.lot_id
        if not self.serial_number:
            return self.env["stock.lot"]
        return self.env["stock.lot"].search(
            [
                ("name", "=", self.serial_number),
                ("product_id", "=", self.product_id.id),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            limit=1,
        )

    def _is_lot(self, lot):
        """Whether ``lot`` is this piece's serial number."""
        self.ensure_one()
        if "lot_id" in self._fields and self.lot_id:
            return self.lot_id == lot
        return self.serial_number == lot.name and self.product_id == lot.product_id
