from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _serve_fallback(cls):
        """A path with a NUL character (a rating link of the module's e-mails
        altered by hand) is simply not found: Odoo would look it up among the
        attachments' URLs, which PostgreSQL refuses with a server error."""
        if "\x00" in request.httprequest.path:
            return None
        return super()._serve_fallback()
