import werkzeug

from odoo import http
from odoo.http import request


class AfterSalesUnsubscribe(http.Controller):
    """The unsubscribe link of the gifts' and offers' e-mails, and the
    one-click target of their ``List-Unsubscribe`` header (RFC 8058)."""

    def _check(self, email, token):
        Blacklist = request.env["mail.blacklist"]
        if not Blacklist._check_after_sales_unsubscribe_token(email, token):
            raise werkzeug.exceptions.NotFound()
        return Blacklist

    @http.route(
        "/after-sales/unsubscribe",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def after_sales_unsubscribe(self, email=None, token=None, **kw):
        """A GET shows a button (mail scanners follow links); its POST
        unsubscribes."""
        Blacklist = self._check(email, token)
        done = request.httprequest.method == "POST"
        if done:
            Blacklist._after_sales_unsubscribe(email)
        return request.render(
            "sale_after_sales.unsubscribe_page", {"email": email, "token": token, "done": done}
        )

    # The mail client posts without a session: no CSRF token to check.
    @http.route(
        "/after-sales/unsubscribe/one-click",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def after_sales_unsubscribe_one_click(self, email=None, token=None, **kw):
        self._check(email, token)._after_sales_unsubscribe(email)
        return request.make_response("", status=200)
