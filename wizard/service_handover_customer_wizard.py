from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize

from ..models.sale_order_handover import SALES_HANDOVER_STATES

# The customer details the handover checks ask for, by partner.
CUSTOMER_FIELDS = ("email", "phone")
ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")


class ServiceHandoverCustomerWizard(models.TransientModel):
    """Complete what the handover checks ask of the customer, from the order.

    Salespeople usually may not edit contacts (Odoo's Contact Creation right):
    here they change the contact details of their order's customer and delivery
    address only, and each change is written in the partner's chatter.
    """

    _name = "service.handover.customer.wizard"
    _description = "Complete the Customer's Details for the Handover"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    shipping_id = fields.Many2one(related="order_id.partner_shipping_id", string="Delivery Address")
    same_address = fields.Boolean(compute="_compute_same_address")
    # Start from the partners' current values; what the user leaves is unchanged.
    email = fields.Char(compute="_compute_details", store=True, readonly=False, precompute=True)
    phone = fields.Char(compute="_compute_details", store=True, readonly=False, precompute=True)
    street = fields.Char(compute="_compute_details", store=True, readonly=False, precompute=True)
    street2 = fields.Char(compute="_compute_details", store=True, readonly=False, precompute=True)
    zip = fields.Char(compute="_compute_details", store=True, readonly=False, precompute=True)
    city = fields.Char(compute="_compute_details", store=True, readonly=False, precompute=True)
    state_id = fields.Many2one(
        "res.country.state",
        compute="_compute_details",
        store=True,
        readonly=False,
        precompute=True,
    )
    country_id = fields.Many2one(
        "res.country",
        compute="_compute_details",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("partner_id", "shipping_id")
    def _compute_same_address(self):
        for wizard in self:
            wizard.same_address = wizard.partner_id == wizard.shipping_id

    @api.depends("order_id")
    def _compute_details(self):
        for wizard in self:
            partner, shipping = wizard.partner_id, wizard.shipping_id
            for name in CUSTOMER_FIELDS:
                wizard[name] = partner[name]
            for name in ADDRESS_FIELDS:
                wizard[name] = shipping[name]

    @api.onchange("country_id")
    def _onchange_country_id(self):
        if self.state_id and self.state_id.country_id != self.country_id:
            self.state_id = False

    def action_save(self):
        self.ensure_one()
        order = self.order_id
        order._check_handover_sales_side()
        order._check_handover_state(SALES_HANDOVER_STATES)
        email = (self.email or "").strip()
        if email and not email_normalize(email):
            raise ValidationError(
                self.env._("'%(email)s' is not a valid e-mail address.", email=email)
            )
        if self.state_id and self.state_id.country_id != self.country_id:
            raise ValidationError(
                self.env._(
                    "%(state)s is not in %(country)s.",
                    state=self.state_id.name,
                    country=self.country_id.name or self.env._("no country"),
                )
            )
        customer_vals = self._prepare_partner_vals(order.partner_id, CUSTOMER_FIELDS)
        address_vals = self._prepare_partner_vals(order.partner_shipping_id, ADDRESS_FIELDS)
        if order.partner_id == order.partner_shipping_id:
            customer_vals.update(address_vals)
            address_vals = {}
        if not customer_vals and not address_vals:
            raise UserError(self.env._("Nothing was changed."))
        for partner, vals in (
            (order.partner_id, customer_vals),
            (order.partner_shipping_id, address_vals),
        ):
            if vals:
                self._write_partner(partner, vals)
        if order.handover_state != "not_started":
            order._run_handover_checks()
        return {"type": "ir.actions.act_window_close"}

    def _prepare_partner_vals(self, partner, names):
        """The values of ``names`` that differ from ``partner``'s."""
        vals = {}
        for name in names:
            value = self[name]
            if self._fields[name].type == "many2one":
                if value != partner[name]:
                    vals[name] = value.id
            elif (value or "").strip() != (partner[name] or ""):
                vals[name] = (value or "").strip() or False
        return vals

    def _write_partner(self, partner, vals):
        """Write ``vals`` on ``partner`` and say in its chatter who changed what,
        from which order."""
        changes = Markup().join(
            Markup("<li>%s: %s → %s</li>")
            % (
                partner._fields[name]._description_string(self.env),
                self._display_value(partner, name, partner[name]),
                self._display_value(partner, name, value),
            )
            for name, value in vals.items()
        )
        # The salesperson may edit his order (checked in action_save), not
        # contacts in general: only these fields of this order's partners.
        partner.sudo().write(vals)
        partner.sudo().message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Completed for the handover of %(order)s by %(user)s:",
                    order=self.order_id.name,
                    user=self.env.user.name,
                ),
                changes,
            ),
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )

    def _display_value(self, partner, name, value):
        if partner._fields[name].type == "many2one":
            value = (
                self.env[partner._fields[name].comodel_name].browse(value)
                if isinstance(value, int)
                else value
            )
            return value.display_name or "-"
        return value or "-"
