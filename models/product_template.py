from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    after_sales_advice = fields.Html(
        string="After-sales Advice",
        translate=True,
        help="How to use and care for the product. The thank-you e-mail sent after "
        "a sale includes the advice of every product bought.",
    )
    service_track_equipment = fields.Boolean(
        string="Track at the Customer's",
        help="Confirming an order creates one piece of equipment per unit sold, with its "
        "serial number, site, warranty and maintenance.",
    )
    service_warranty_months = fields.Integer(string="Warranty (Months)", help="0 for no warranty.")
    service_maintenance_months = fields.Integer(
        string="Maintenance Interval (Months)",
        help="Maintenance is due this long after the equipment went into service, then after "
        "each maintenance; 0 for none.",
    )
    service_equipment_count = fields.Integer(
        string="Equipment", compute="_compute_service_equipment_count"
    )

    @api.constrains("service_warranty_months", "service_maintenance_months")
    def _check_service_months(self):
        for template in self:
            for months in (template.service_warranty_months, template.service_maintenance_months):
                if not 0 <= months <= 1200:
                    raise ValidationError(
                        self.env._(
                            "%(product)s: warranty and maintenance intervals are counted in "
                            "months, from 0 to 1200.",
                            product=template.display_name,
                        )
                    )

    def _compute_service_equipment_count(self):
        counts = dict(
            self.env["service.equipment"]._read_group(
                [("product_id.product_tmpl_id", "in", self.ids), ("state", "=", "in_service")],
                ["product_id"],
                ["__count"],
            )
        )
        for template in self:
            template.service_equipment_count = sum(
                counts.get(product, 0) for product in template.product_variant_ids
            )

    def action_view_service_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_equipment_action"
        )
        action["domain"] = [("product_id.product_tmpl_id", "=", self.id)]
        return action
