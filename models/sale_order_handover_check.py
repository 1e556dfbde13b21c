from odoo import models
from odoo.tools import float_compare, format_list, formatLang, html2plaintext, is_html_empty


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # === RUNNING THE CHECKS ===

    def _refresh_handover_checks(self):
        """Run the checks again of the orders whose handover sales works on."""
        orders = self.filtered(
            lambda o: o.state == "sale" and o.handover_state in ("checking", "sent_back")
        )
        if orders:
            orders._run_handover_checks()

    def _get_handover_checks(self):
        """The active handover checks of these orders' companies (not per order).

        Checks are configuration read by whoever runs them, including users of
        another company than a shared check's: sudo."""
        return (
            self.env["service.handover.check"]
            .sudo()
            .search(["|", ("company_id", "=", False), ("company_id", "in", self.company_id.ids)])
        )

    def _run_handover_checks(self):
        """(Re)compute the handover check results of these orders, in batch.

        Results are system records computed for whoever asks, hence ``sudo``.
        Manual items keep who ticked them.
        """
        orders = self.sudo()
        checks = orders._get_handover_checks()
        outcome = {}  # (order, check) -> values
        for check in checks:
            applicable = orders.filtered(check._applies_to)
            if not applicable:
                continue
            if check.kind == "manual":
                for order in applicable:
                    outcome[order, check] = {}
                continue
            for order, reason in check._evaluate(applicable).items():
                if not reason:
                    state = "pass"
                else:
                    state = "fail" if check.severity == "blocking" else "warning"
                outcome[order, check] = {"state": state, "reason": reason or False}
        # Results are system records, written for whoever runs the checks (the
        # salesperson reads them, never writes them): sudo.
        Result = self.env["service.handover.result"].sudo()
        # One query for the existing results, whatever their number.
        existing = Result.search_fetch([("order_id", "in", orders.ids)], ["order_id", "check_id"])
        existing.filtered(lambda r: (r.order_id, r.check_id) not in outcome).unlink()
        Result._save_outcome(outcome)

    def _get_handover_blocking_message(self):
        """What stops the handover of this order, as text (False: nothing)."""
        self.ensure_one()
        problems = self._get_handover_problems()
        if not problems:
            return False
        return f"{self.name}\n" + "\n".join(
            f"- {problem['name']}: {problem['reason']}" for problem in problems
        )

    def _get_handover_problems(self):
        """What stops the handover of this order: one dict per problem, with
        the problem (``name``), what is missing (``reason``), the check result
        it comes from (``result_id``) and where it is fixed (``fix``, see
        service.handover.blocked.line)."""
        self.ensure_one()
        problems = [
            {
                "order_id": self.id,
                "result_id": result.id,
                "name": result.name,
                "reason": self.env._("Not ticked yet.")
                if result.kind == "manual"
                else result.reason,
                "fix": result._get_fix(),
            }
            for result in self.handover_result_ids._is_blocking()
        ]
        if not self._get_handover_responsible():
            problems.append(
                {
                    "order_id": self.id,
                    "result_id": False,
                    "name": self.env._("Service responsible"),
                    "reason": self.env._(
                        "Nobody takes the handover over: choose the service responsible, or "
                        "ask an administrator for a default one in the settings."
                    ),
                    "fix": "responsible",
                }
            )
        return problems

    # === BUILT-IN CHECKS ===

    # Built-in handover checks: {order: failure reason or False} for a batch of
    # orders. Add one with service.handover.check's "method" selection and a
    # method _handover_check_<code>.

    def _handover_check_customer_email(self):
        return {
            order: False
            if order.partner_id.email or order.partner_id.commercial_partner_id.email
            else self.env._("%(customer)s has no e-mail.", customer=order.partner_id.display_name)
            for order in self
        }

    def _handover_check_customer_phone(self):
        return {
            order: False
            if order.partner_id.phone or order.partner_id.commercial_partner_id.phone
            else self.env._(
                "%(customer)s has no phone number.", customer=order.partner_id.display_name
            )
            for order in self
        }

    def _handover_check_delivery_address(self):
        labels = {
            "street": self.env._("street"),
            "city": self.env._("city"),
            "country_id": self.env._("country"),
        }
        result = {}
        for order in self:
            missing = [
                label for name, label in labels.items() if not order.partner_shipping_id[name]
            ]
            result[order] = missing and self.env._(
                "The delivery address %(address)s has no %(missing)s.",
                address=order.partner_shipping_id.display_name,
                missing=format_list(self.env, missing),
            )
        return result

    def _handover_check_product_lines(self):
        result = {}
        for order in self:
            lines = order.order_line.filtered(lambda line: not line.display_type)
            without = lines.filtered(lambda line: not line.product_id)
            if not lines:
                result[order] = self.env._("The order has no product.")
            elif without:
                result[order] = self.env._(
                    "Lines without a product: %(lines)s.",
                    lines=format_list(self.env, without.mapped("name")),
                )
            else:
                result[order] = False
        return result

    def _handover_check_service_notes(self):
        return {
            order: False
            if not is_html_empty(order.handover_note)
            and html2plaintext(order.handover_note).strip()
            else self.env._("Write the notes for the technician (Handover tab).")
            for order in self
        }

    def _handover_check_invoice_prices(self):
        # Read the invoice lines of all the orders at once, not order by order.
        self.order_line.invoice_lines.move_id.mapped("state")
        self.order_line.invoice_lines.sale_line_ids.mapped("order_id")
        result = {}
        for order in self:
            lines = order.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )
            invoice_lines = lines.invoice_lines.filtered(
                lambda aml: aml.move_id.state == "posted" and aml.move_id.move_type == "out_invoice"
            )
            if not invoice_lines:
                allowed = order.company_id.handover_allow_uninvoiced
                result[order] = False if allowed else self.env._("Nothing is invoiced yet.")
                continue
            differences = []
            for aml in invoice_lines:
                differences += order._get_invoice_line_differences(aml)
            for line in lines:
                # Over-invoiced across several invoices; one invoice line over
                # the order is already reported with its invoice above.
                if not line._is_qty_over(line.qty_invoiced) or any(
                    line._is_qty_over(aml.quantity) for aml in line.invoice_lines & invoice_lines
                ):
                    continue
                differences.append(
                    self.env._(
                        "Line '%(line)s': %(invoiced)s invoiced, %(ordered)s ordered.",
                        line=line.product_id.display_name or line.name,
                        invoiced=formatLang(self.env, line.qty_invoiced, dp="Product Unit"),
                        ordered=formatLang(self.env, line.product_uom_qty, dp="Product Unit"),
                    )
                )
            result[order] = "\n".join(differences) or False
        return result

    def _get_invoice_line_differences(self, aml):
        """What differs between invoice line ``aml`` and its order line."""
        self.ensure_one()
        differences = []
        for line in aml.sale_line_ids.filtered(lambda sol: sol.order_id == self):
            label = self.env._(
                "Invoice %(invoice)s line '%(line)s'",
                invoice=aml.move_id.name,
                line=line.product_id.display_name or line.name,
            )
            currency = self.currency_id
            if currency.compare_amounts(aml.price_unit, line.price_unit):
                differences.append(
                    self.env._(
                        "%(label)s: %(invoiced)s invoiced, %(ordered)s ordered.",
                        label=label,
                        invoiced=formatLang(self.env, aml.price_unit, currency_obj=currency),
                        ordered=formatLang(self.env, line.price_unit, currency_obj=currency),
                    )
                )
            if float_compare(aml.discount, line.discount, precision_digits=2):
                differences.append(
                    self.env._(
                        "%(label)s: discount %(invoiced)s%% invoiced, %(ordered)s%% ordered.",
                        label=label,
                        invoiced=formatLang(self.env, aml.discount),
                        ordered=formatLang(self.env, line.discount),
                    )
                )
            if line._is_qty_over(aml.quantity):
                differences.append(
                    self.env._(
                        "%(label)s: quantity %(invoiced)s invoiced, %(ordered)s ordered.",
                        label=label,
                        invoiced=formatLang(self.env, aml.quantity, dp="Product Unit"),
                        ordered=formatLang(self.env, line.product_uom_qty, dp="Product Unit"),
                    )
                )
        return differences
