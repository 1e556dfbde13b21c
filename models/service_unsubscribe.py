"""The unsubscribe link of the commercial e-mails of after-sales (gifts,
offers): signed per address, it puts the address on Odoo's blacklist, which
every follow-up's stop conditions honour."""

from urllib.parse import urlencode

from odoo import api, models, tools

UNSUBSCRIBE_SCOPE = "sale_after_sales-unsubscribe"


class MailBlacklist(models.Model):
    _inherit = "mail.blacklist"

    @api.model
    def _get_after_sales_unsubscribe_token(self, email):
        """The signature of ``email`` (normalized) for the unsubscribe links."""
        return tools.hmac(self.env(su=True), UNSUBSCRIBE_SCOPE, tools.email_normalize(email) or "")

    @api.model
    def _check_after_sales_unsubscribe_token(self, email, token):
        normalized = tools.email_normalize(email or "")
        return bool(
            normalized
            and token
            and tools.consteq(self._get_after_sales_unsubscribe_token(normalized), str(token))
        )

    @api.model
    def _get_after_sales_unsubscribe_url(self, email, one_click=False):
        """The page (or, ``one_click``, the RFC 8058 POST target) that takes
        ``email`` off the after-sales commercial e-mails."""
        params = urlencode(
            {"email": email, "token": self._get_after_sales_unsubscribe_token(email)}
        )
        path = "/after-sales/unsubscribe/one-click" if one_click else "/after-sales/unsubscribe"
        return f"{self.get_base_url()}{path}?{params}"

    @api.model
    def _get_after_sales_unsubscribe_headers(self, email):
        """The headers a mail client shows as its own unsubscribe button."""
        return {
            "List-Unsubscribe": f"<{self._get_after_sales_unsubscribe_url(email, one_click=True)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    @api.model
    def _after_sales_unsubscribe(self, email):
        return self.sudo()._add(
            email, message=self.env._("Unsubscribed from after-sales offers and gifts")
        )
