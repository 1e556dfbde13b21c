from odoo import api, fields, models
from odoo.tools import SQL

RETENTION_WINDOWS = (90, 180, 365)


class ServiceFollowupAssignment(models.Model):
    """What a customer bought after his triggering order, kept on his
    assignment for the Retention Analysis: his next confirmed order (of the
    triggering order's company, whatever its origin) and the revenue of his
    later orders within 90, 180 and 365 days. Stored, so that the analysis
    reads one row per customer instead of every order: computed when the
    customer is assigned and again when one of his orders is confirmed,
    cancelled or changed once confirmed (``sale.order.write``; a line of a
    confirmed order written on its own, not through its order, counts at the
    customer's next change, or after ``_recompute_retention``)."""

    _inherit = "service.followup.assignment"

    next_order_id = fields.Many2one(
        "sale.order",
        compute="_compute_retention",
        store=True,
        readonly=True,
        help="The customer's first confirmed order after the triggering order.",
    )
    next_order_date = fields.Date(compute="_compute_retention", store=True, readonly=True)
    later_revenue_90 = fields.Float(
        string="Later Revenue (90 days)",
        compute="_compute_retention",
        store=True,
        readonly=True,
        help="Untaxed, in the company's currency, of the customer's confirmed orders "
        "within 90 days after the triggering order.",
    )
    later_revenue_180 = fields.Float(
        string="Later Revenue (180 days)", compute="_compute_retention", store=True, readonly=True
    )
    later_revenue_365 = fields.Float(
        string="Later Revenue (365 days)", compute="_compute_retention", store=True, readonly=True
    )

    @api.depends(
        "commercial_partner_id",
        "order_id.date_order",
        "order_id.company_id",
        "trigger_date",
    )
    def _compute_retention(self):
        """One query for the whole batch. A later order is a confirmed order
        of the same customer entity and company, confirmed after the
        triggering order (``date_order``, then ``id``, later)."""
        saved = self.filtered("id")
        values = {}
        if saved.ids:
            self.env["sale.order"].flush_model(
                ["state", "date_order", "partner_id", "company_id", "amount_untaxed"]
            )
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            saved.flush_recordset(["commercial_partner_id", "order_id", "trigger_date"])
            self.env.cr.execute(self._get_retention_query(saved.ids))
            values.update({row[0]: row[1:] for row in self.env.cr.fetchall()})
        for assignment in self:
            next_id, next_date, *revenues = values.get(assignment.id) or (False, False, 0, 0, 0)
            assignment.next_order_id = next_id
            assignment.next_order_date = next_date
            for window, revenue in zip(RETENTION_WINDOWS, revenues, strict=True):
                assignment[f"later_revenue_{window}"] = revenue or 0.0

    def _get_retention_query(self, ids):
        """Per assignment: its next order, its date and the revenue of the
        later orders within each window (days counted from the triggering
        order's date, in UTC as ``trigger_date``)."""
        revenues = SQL(", ").join(
            SQL(
                "SUM(later.revenue) FILTER (WHERE later.day - a.trigger_date <= %s)",
                window,
            )
            for window in RETENTION_WINDOWS
        )
        return SQL(
            """
            SELECT a.id,
                   (ARRAY_AGG(later.id ORDER BY later.date_order, later.id))[1],
                   MIN(later.day),
                   %(revenues)s
              FROM service_followup_assignment a
              JOIN sale_order trig ON trig.id = a.order_id
              LEFT JOIN LATERAL (
                  SELECT so.id, so.date_order, so.date_order::date AS day,
                         so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS revenue
                    FROM sale_order so
                    JOIN res_partner customer ON customer.id = so.partner_id
                   WHERE customer.commercial_partner_id = a.commercial_partner_id
                     AND so.company_id = trig.company_id
                     AND so.state = 'sale'
                     AND (so.date_order, so.id) > (trig.date_order, trig.id)
              ) later ON TRUE
             WHERE a.id IN %(ids)s
             GROUP BY a.id
            """,
            revenues=revenues,
            ids=tuple(ids),
        )

    @api.model
    def _recompute_retention(self, partners=None):
        """Compute again what the customers ``partners`` (customer entities;
        all by default) bought after their triggering orders: after their
        orders changed, or for existing assignments (a migration)."""
        domain = [] if partners is None else [("commercial_partner_id", "in", partners.ids)]
        # System records, whoever changed the orders (a portal customer signing).
        assignments = self.sudo().search(domain)
        for name in ("next_order_id", "next_order_date") + tuple(
            f"later_revenue_{window}" for window in RETENTION_WINDOWS
        ):
            self.env.add_to_compute(assignments._fields[name], assignments)
        return assignments
