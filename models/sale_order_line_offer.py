"""The piece of equipment a line of an after-sales offer is for."""

from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    service_equipment_id = fields.Many2one(
        "service.equipment",
        string="For Equipment",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        copy=False,
        help="The customer's piece of equipment this line is offered for: accepting the "
        "offer extends its warranty or plans its maintenance, as the product says.",
    )

    def _get_sale_order_line_multiline_description_sale(self):
        """The piece is named on its line, as the customer reads his quotation."""
        description = super()._get_sale_order_line_multiline_description_sale()
        if self.service_equipment_id:
            return self._get_offer_piece_description(description)
        return description

    def _get_offer_piece_description(self, description):
        self.ensure_one()
        piece = self.sudo().service_equipment_id  # the customer's own piece, named only
        return self.env._(
            "%(description)s\nFor: %(piece)s", description=description, piece=piece.display_name
        )
