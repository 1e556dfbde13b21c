"""What the handover writes: the service responsible's activity note, the
snapshot kept in the service history, the reminders of late handovers."""

from markupsafe import Markup

from odoo import api, models
from odoo.tools import is_html_empty

from .sale_order_handover import SALES_HANDOVER_STATES


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _get_handover_activity_note(self):
        self.ensure_one()
        warnings = self.handover_result_ids.filtered(lambda r: r.state == "warning")
        note = Markup("<p>%s</p>") % self.env._(
            "%(user)s hands %(order)s over to the service department.",
            user=self.env.user.name,
            order=self.name,
        )
        if warnings:
            note += Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Warnings:"),
                Markup().join(Markup("<li>%s: %s</li>") % (w.name, w.reason) for w in warnings),
            )
        return note

    def _log_handover_in_service_history(self, comment=False):
        """One "Handover" entry per order: the snapshot of what was handed over,
        and ``comment``, why its open warnings were accepted, as its outcome."""
        self.env["service.history"]._log(
            "handover",
            [
                order._prepare_service_history_vals(
                    summary=self.env._("Handover of %(order)s accepted", order=order.name),
                    description=order._get_handover_snapshot(),
                    user_id=order._get_handover_acting_user("service").id,
                    **({"outcome": order._get_handover_accept_outcome(comment)} if comment else {}),
                )
                for order in self
            ],
        )

    def _get_handover_accept_outcome(self, comment):
        """The handover entry's outcome: the warnings accepted, and why."""
        self.ensure_one()
        warnings = self._get_handover_warnings()
        lines = [
            self.env._("Accepted with an open warning:")
            if len(warnings) == 1
            else self.env._("Accepted with %(count)s open warnings:", count=len(warnings)),
            *(f"- {w.name}: {w.reason}" if w.reason else f"- {w.name}" for w in warnings),
            self.env._("Comment: %(comment)s", comment=comment.strip()),
        ]
        return "\n".join(lines)

    def _get_handover_snapshot(self):
        """HTML snapshot of what was handed over: contact, products, notes, checks."""
        self.ensure_one()
        partner = self.partner_id
        shipping = self.partner_shipping_id
        contact = Markup("<ul><li>%s</li><li>%s</li><li>%s</li><li>%s</li></ul>") % (
            self.env._("Customer: %(name)s", name=partner.display_name),
            self.env._("E-mail: %(email)s", email=partner.email or "-"),
            self.env._("Phone: %(phone)s", phone=partner.phone or "-"),
            self.env._(
                "Delivery address: %(address)s",
                address=shipping._display_address(without_company=True).replace("\n", ", ") or "-",
            ),
        )
        checks = Markup().join(
            Markup("<li>%s: %s%s</li>")
            % (
                result.name,
                dict(result._fields["state"]._description_selection(self.env))[result.state],
                f" ({result.reason})" if result.reason else "",
            )
            for result in self.handover_result_ids
        )
        parts = [
            Markup("<h4>%s</h4>") % self.env._("Contact"),
            contact,
            Markup("<h4>%s</h4>") % self.env._("Products"),
            self._get_service_history_sale_description(),
        ]
        if not is_html_empty(self.handover_note):
            parts += [
                Markup("<h4>%s</h4>") % self.env._("Notes for the technician"),
                self.handover_note,
            ]
        if not is_html_empty(partner.commercial_partner_id.service_notes):
            parts += [
                Markup("<h4>%s</h4>") % self.env._("Service notes"),
                partner.commercial_partner_id.service_notes,
            ]
        pieces = self.equipment_ids.filtered(lambda e: e.state == "in_service")
        if pieces:
            parts += [
                Markup("<h4>%s</h4><ul>%s</ul>")
                % (
                    self.env._("Equipment"),
                    Markup().join(
                        Markup("<li>%s</li>")
                        % self.env._(
                            "%(name)s, serial number %(serial)s, warranty until %(end)s",
                            name=piece.name,
                            serial=piece.serial_number or "-",
                            end=piece.warranty_end or "-",
                        )
                        for piece in pieces
                    ),
                )
            ]
        if checks:
            parts += [Markup("<h4>%s</h4><ul>%s</ul>") % (self.env._("Checks"), checks)]
        return Markup().join(parts)

    @api.model
    def _cron_remind_handover(self):
        """Remind salespeople of confirmed orders not handed over after the
        company's delay (one open reminder per order)."""
        orders = self.search(
            [
                ("handover_is_late", "=", True),
                ("handover_state", "in", SALES_HANDOVER_STATES),
            ]
        )
        reminder = self.env.ref("sale_after_sales.mail_activity_type_handover_reminder")
        reminded = set(
            self.env["mail.activity"]
            .search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("activity_type_id", "=", reminder.id),
                ]
            )
            .mapped("res_id")
        )
        todo = orders.filtered(lambda o: o.id not in reminded and o.user_id)
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                    "res_id": order.id,
                    "activity_type_id": reminder.id,
                    "user_id": order.user_id.id,
                    "summary": self.env._("Hand this order over to the service department"),
                }
                for order in todo
            ]
        )
        return todo
