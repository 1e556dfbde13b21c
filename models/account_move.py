from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _get_after_sales_orders(self):
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        return invoices.line_ids.sale_line_ids.order_id

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        orders = posted._get_after_sales_orders()
        orders._fire_invoice_posted()
        orders._refresh_handover_checks()  # the invoice price check follows the invoices
        return posted

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        self._get_after_sales_orders()._fire_order_paid()
        return result
