"""What a product sold on an after-sales offer does to the customer's piece
of equipment once he accepts: extends its warranty, or plans its maintenance."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    service_warranty_extension_months = fields.Integer(
        string="Extends the Warranty by (Months)",
        help="Sold for a piece of equipment on an after-sales offer: once the customer "
        "accepts, the piece's warranty ends this many months later. 0: no extension.",
    )
    service_maintenance_visit = fields.Boolean(
        string="Maintenance Visit",
        help="Sold for a piece of equipment on an after-sales offer: once the customer "
        "accepts, the visit is planned as the piece's next maintenance, with an activity "
        "for the service department.",
    )

    @api.constrains("service_warranty_extension_months")
    def _check_service_warranty_extension_months(self):
        for template in self:
            if not 0 <= template.service_warranty_extension_months <= 1200:
                raise ValidationError(
                    self.env._(
                        "%(product)s: a warranty is extended by 0 to 1200 months.",
                        product=template.display_name,
                    )
                )
