import werkzeug

from odoo import http
from odoo.http import request
from odoo.tools.misc import get_lang

from odoo.addons.rating.controllers.main import Rating
from odoo.addons.rating.models.rating_data import (
    RATING_HAPPY_VALUE,
    RATING_NEUTRAL_VALUE,
    RATING_UNHAPPY_VALUE,
)

RATES = (RATING_HAPPY_VALUE, RATING_NEUTRAL_VALUE, RATING_UNHAPPY_VALUE)


class AfterSalesRating(Rating):
    """Odoo's rating pages, as the customers of the follow-ups' e-mails reach
    them: a link altered by hand gives the page-not-found page (Odoo's own
    routes end in a server error on a score other than 1, 3 or 5, a score that
    is not a number or a NUL character in the token); a logged-in customer
    cannot answer another customer's rating; and after his answer the customer
    of a follow-up is told what happens next (see ``rating_answer_page``)."""

    @http.route()
    def action_open_rating(self, token, rate, **kwargs):
        self._check_rating_link(token)
        if rate not in RATES:
            raise werkzeug.exceptions.NotFound()
        return super().action_open_rating(token, rate, **kwargs)

    @http.route()
    def action_submit_rating(self, token, rate=0, **kwargs):
        self._check_rating_link(token)
        rating, record_sudo = self._get_rating_and_record(token)
        if request.httprequest.method == "POST":
            try:
                rate = int(rate)
            except (TypeError, ValueError):
                raise werkzeug.exceptions.NotFound() from None
            if rate not in RATES:
                raise werkzeug.exceptions.NotFound()
            if not self._may_answer(rating):
                # The same page as Odoo's GET route shows him.
                return request.render(
                    "rating.rating_external_page_invalid_partner",
                    {
                        "model_name": request.env["ir.model"]._get(rating.res_model).display_name,
                        "name": record_sudo.display_name,
                        "web_base_url": rating.get_base_url(),
                    },
                    status=403,
                )
        page = super().action_submit_rating(token, rate=rate, **kwargs)
        if rating.res_model != "service.followup":
            return page
        lang = rating.partner_id.lang or get_lang(request.env).code
        return (
            request.env["ir.ui.view"]
            .with_context(lang=lang)
            ._render_template(
                "sale_after_sales.rating_answer_page",
                {
                    "rating": rating,
                    "web_base_url": rating.get_base_url(),
                    **record_sudo.with_context(lang=lang)._get_rating_answer_values(rating),
                },
            )
        )

    def _check_rating_link(self, token):
        # PostgreSQL refuses a NUL character in a query: nothing has it.
        if "\x00" in token:
            raise werkzeug.exceptions.NotFound()

    def _may_answer(self, rating):
        """Whoever has the link when not logged in (the e-mail's reader), else
        the rated customer or a colleague of his company only."""
        user = request.env.user
        return (
            user._is_public()
            or user.partner_id.commercial_partner_id == rating.partner_id.commercial_partner_id
        )
