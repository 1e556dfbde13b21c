from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _is_equipment_from_delivery(self):
        """Whether a piece of this product comes from its delivery (one per serial
        number delivered) rather than from the order's confirmation: products
        tracked at the customer's and by serial number in Inventory."""
        self.ensure_one()
        return self.product_tmpl_id.service_track_equipment and self.tracking == "serial"
