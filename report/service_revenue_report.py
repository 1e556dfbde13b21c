from odoo import fields, models
from odoo.tools import SQL

KINDS = [
    ("gift", "Gift"),
    ("offer", "Offer"),
    ("request", "Service request"),
    ("complaint", "Complaint case"),
]


class ServiceRevenueReport(models.Model):
    """What after-sales earns: one row per thing it did that can bring an
    order (a gift given, an offer made, a quotation made from a case), with
    whether it did (the gift used, the offer or quotation accepted), whether it
    expired unused, and the revenue (untaxed, in the company's currency) of the
    confirmed orders it brought. Computed by PostgreSQL; a module adds a kind
    by extending ``_get_parts`` with one more SELECT of the same columns."""

    _name = "service.revenue.report"
    _description = "After-Sales Revenue"
    _auto = False
    _order = "date desc, id desc"

    date = fields.Date(readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    plan_id = fields.Many2one("service.followup.plan", readonly=True)
    step_id = fields.Many2one("service.followup.plan.step", readonly=True)
    followup_id = fields.Many2one("service.followup", readonly=True)
    case_id = fields.Many2one("service.history", readonly=True)
    order_id = fields.Many2one("sale.order", string="Offer or Quotation", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    sent_count = fields.Integer(string="Made", readonly=True)
    won_count = fields.Integer(
        string="Won", readonly=True, help="Gifts used on an order; offers and quotations accepted."
    )
    expired_count = fields.Integer(string="Expired Unused", readonly=True)
    conversion = fields.Float(
        string="Conversion (%)", readonly=True, aggregator="avg", help="The share won."
    )
    revenue = fields.Float(
        readonly=True, help="Untaxed, in the company's currency, of the confirmed orders brought."
    )

    @property
    def _table_query(self):
        return SQL(" UNION ALL ").join(self._get_parts())

    def _get_parts(self):
        return [self._gift_part(), self._offer_part(), self._case_part()]

    def _gift_part(self):
        """Each card a follow-up gave; its revenue: the confirmed orders that
        used it."""
        return SQL(
            """
            SELECT f.id * 4 AS id, COALESCE(f.done_date::date, f.planned_date) AS date,
                   'gift' AS kind, f.plan_id, f.step_id, f.id AS followup_id,
                   NULL::int AS case_id, NULL::int AS order_id,
                   f.commercial_partner_id AS partner_id, origin.user_id, f.company_id,
                   1 AS sent_count, (used.revenue IS NOT NULL)::int AS won_count,
                   (used.revenue IS NULL AND card.expiration_date < current_date)::int
                       AS expired_count,
                   CASE WHEN used.revenue IS NULL THEN 0.0 ELSE 100.0 END AS conversion,
                   COALESCE(used.revenue, 0.0) AS revenue
              FROM service_followup f
              JOIN loyalty_card card ON card.id = f.loyalty_card_id
              JOIN sale_order origin ON origin.id = f.order_id
              LEFT JOIN (
                  SELECT so.after_sales_followup_id AS followup_id,
                         SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                             AS revenue
                    FROM sale_order so
                   WHERE so.after_sales_origin = 'gift' AND so.state = 'sale'
                   GROUP BY so.after_sales_followup_id
              ) used ON used.followup_id = f.id
            """
        )

    def _offer_part(self):
        """Each quotation offered (one for the pieces bundled in it)."""
        return SQL(
            """
            SELECT so.id * 4 + 1 AS id, so.date_order::date AS date, 'offer' AS kind,
                   offer.plan_id, offer.step_id, offer.followup_id,
                   NULL::int AS case_id, so.id AS order_id,
                   so.partner_id, so.user_id, so.company_id,
                   %s
              FROM sale_order so
              JOIN (
                  SELECT offer_order_id, MIN(id) AS followup_id, MIN(plan_id) AS plan_id,
                         MIN(step_id) AS step_id
                    FROM service_followup
                   WHERE offer_order_id IS NOT NULL
                   GROUP BY offer_order_id
              ) offer ON offer.offer_order_id = so.id
            """,
            self._quotation_outcome(),
        )

    def _case_part(self):
        """Each quotation made from a case."""
        return SQL(
            """
            SELECT so.id * 4 + 2 AS id, so.date_order::date AS date,
                   so.after_sales_origin AS kind,
                   NULL::int AS plan_id, NULL::int AS step_id, NULL::int AS followup_id,
                   so.after_sales_case_id AS case_id, so.id AS order_id,
                   so.partner_id, so.user_id, so.company_id,
                   %s
              FROM sale_order so
             WHERE so.after_sales_case_id IS NOT NULL
            """,
            self._quotation_outcome(),
        )

    def _quotation_outcome(self):
        """The columns of a quotation's outcome (``so``): made, won when
        confirmed, expired when its validity passed unanswered, its revenue."""
        return SQL(
            """
            1 AS sent_count, (so.state = 'sale')::int AS won_count,
            (so.state IN ('draft', 'sent') AND so.validity_date < current_date)::int
                AS expired_count,
            CASE WHEN so.state = 'sale' THEN 100.0 ELSE 0.0 END AS conversion,
            CASE WHEN so.state = 'sale'
                 THEN so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)
                 ELSE 0.0 END AS revenue
            """
        )
