from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    after_sales_advice = fields.Html(
        string="After-sales Advice",
        translate=True,
        help="How to use and care for the product. The thank-you e-mail sent after "
        "a sale includes the advice of every product bought.",
    )
