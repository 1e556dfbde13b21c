from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    equipment_start = fields.Selection(
        selection_add=[("delivered", "Delivery of the serial number")],
        ondelete={"delivered": "set default"},
    )
