"""A piece of equipment and the after-sales offers made for it: the warranty
extensions bought, the open offer shown on its portal page, and its open
offer lines removed when it is retired or returned."""

from odoo import api, fields, models
from odoo.fields import Domain

OPEN_OFFER_STATES = ("draft", "sent")


class ServiceEquipment(models.Model):
    _inherit = "service.equipment"

    warranty_extension_months = fields.Integer(
        string="Warranty Extended by (Months)",
        copy=False,
        tracking=True,
        help="The warranty extensions bought on after-sales offers: the warranty ends this "
        "many months later than the product's warranty says.",
    )

    _warranty_extension_positive = models.Constraint(
        "CHECK(warranty_extension_months >= 0 AND warranty_extension_months <= 1200)",
        "A warranty is extended by 0 to 1200 months.",
    )

    # === COMPUTE METHODS ===

    @api.depends("warranty_extension_months")
    def _compute_warranty_end(self):
        super()._compute_warranty_end()
        for piece in self:
            if piece.warranty_end and piece.warranty_extension_months:
                piece.warranty_end = piece._add_months(
                    piece.warranty_end, piece.warranty_extension_months
                )

    # === CRUD ===

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "retired":
            self._remove_open_offer_lines()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_remove_open_offer_lines(self):
        self._remove_open_offer_lines()

    # === BUSINESS METHODS ===

    @api.model
    def _get_open_offer_line_domain(self):
        """Lines of quotations not answered yet and still valid."""
        today = fields.Date.context_today(self)
        return Domain("order_id.state", "in", OPEN_OFFER_STATES) & (
            Domain("order_id.validity_date", "=", False)
            | Domain("order_id.validity_date", ">=", today)
        )

    def _get_open_offer_lines(self):
        """The lines of open quotations offered for these pieces (as the
        system: whoever reads the piece, the quotation is the company's)."""
        return (
            self.env["sale.order.line"]
            .sudo()
            .search(
                Domain("service_equipment_id", "in", self.ids) & self._get_open_offer_line_domain()
            )
        )

    def _get_portal_offers(self):
        """The open quotations offered for this piece that its customer may
        read (the portal's own record rules apply: no sudo)."""
        self.ensure_one()
        lines = self.env["sale.order.line"].search(
            Domain("service_equipment_id", "=", self.id) & self._get_open_offer_line_domain()
        )
        return lines.order_id

    def _remove_open_offer_lines(self):
        """A piece retired or returned is not offered anything any more: its
        lines leave the quotations not accepted yet (whatever their validity);
        a quotation left without a product is cancelled, never left empty.
        A system clean-up, whoever retires the piece: sudo."""
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("service_equipment_id", "in", self.ids),
                    ("order_id.state", "in", OPEN_OFFER_STATES),
                ]
            )
        )
        if not lines:
            return
        orders = lines.order_id
        lines.unlink()
        empty = orders.filtered(
            lambda o: not o.order_line.filtered(lambda line: not line.display_type)
        )
        if empty:
            empty._action_cancel()
            for order in empty:
                order.message_post(
                    body=self.env._(
                        "Cancelled: the equipment this offer was made for is retired or returned."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
