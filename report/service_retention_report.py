from odoo import fields, models
from odoo.tools import SQL

from ..models.service_followup_assignment import ASSIGNMENT_GROUPS
from ..models.service_followup_assignment_retention import RETENTION_WINDOWS


class ServiceRetentionReport(models.Model):
    """Retention Analysis: one row per customer assigned to a plan's groups
    (cared or held back), with what he bought after his triggering order.
    A rate over a window (90, 180, 365 days) counts only the customers whose
    window has fully passed (today later than the triggering order's date
    plus the window); the others are *too recent*. Computed by PostgreSQL
    from the assignments, which keep their customer's next order and later
    revenue (service_followup_assignment_retention.py): no order is read."""

    _name = "service.retention.report"
    _inherit = ["service.report.mixin"]
    _description = "Retention Analysis"
    _auto = False
    _order = "trigger_date desc, id desc"
    # Flushed before the view is read: the stored retention is computed on flush.
    _depends = {
        "service.followup.assignment": [
            "plan_id",
            "group",
            "holdback_percent",
            "commercial_partner_id",
            "order_id",
            "trigger_date",
            "next_order_id",
            "next_order_date",
            *(f"later_revenue_{window}" for window in RETENTION_WINDOWS),
        ],
        "sale.order": ["user_id", "team_id", "company_id"],
    }

    plan_id = fields.Many2one("service.followup.plan", readonly=True)
    group = fields.Selection(ASSIGNMENT_GROUPS, readonly=True)
    holdback_percent = fields.Float(string="Held Back (%) at Assignment", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer Entity", readonly=True)
    order_id = fields.Many2one("sale.order", string="Triggering Order", readonly=True)
    trigger_date = fields.Date(string="Triggering Order Date", readonly=True)
    next_order_id = fields.Many2one("sale.order", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    days_to_next_order = fields.Float(
        readonly=True,
        aggregator="avg",
        help="Days from the triggering order to the customer's next confirmed order.",
    )
    counted_90 = fields.Integer(string="Counted (90 days)", readonly=True)
    too_recent_90 = fields.Integer(
        string="Too Recent (90 days)",
        readonly=True,
        help="Customers whose 90 days after the triggering order have not passed yet.",
    )
    repeat_90 = fields.Integer(string="Bought Again (90 days)", readonly=True)
    repeat_rate_90 = fields.Float(
        string="Repeat Rate (90 days, %)",
        readonly=True,
        aggregator="avg",
        help="Share of the customers whose 90 days have passed who bought again within them.",
    )
    revenue_90 = fields.Float(
        string="Later Revenue per Customer (90 days)",
        readonly=True,
        aggregator="avg",
        help="Untaxed revenue of the orders within 90 days after the triggering order, per "
        "customer whose 90 days have passed.",
    )
    counted_180 = fields.Integer(string="Counted (180 days)", readonly=True)
    too_recent_180 = fields.Integer(string="Too Recent (180 days)", readonly=True)
    repeat_180 = fields.Integer(string="Bought Again (180 days)", readonly=True)
    repeat_rate_180 = fields.Float(
        string="Repeat Rate (180 days, %)", readonly=True, aggregator="avg"
    )
    revenue_180 = fields.Float(
        string="Later Revenue per Customer (180 days)", readonly=True, aggregator="avg"
    )
    counted_365 = fields.Integer(string="Counted (365 days)", readonly=True)
    too_recent_365 = fields.Integer(string="Too Recent (365 days)", readonly=True)
    repeat_365 = fields.Integer(string="Bought Again (365 days)", readonly=True)
    repeat_rate_365 = fields.Float(
        string="Repeat Rate (365 days, %)", readonly=True, aggregator="avg"
    )
    revenue_365 = fields.Float(
        string="Later Revenue per Customer (365 days)", readonly=True, aggregator="avg"
    )

    def _select(self):
        columns = [
            SQL(
                """
                assignment.id, assignment.plan_id, assignment."group",
                assignment.holdback_percent,
                assignment.commercial_partner_id AS partner_id, assignment.order_id,
                assignment.trigger_date, assignment.next_order_id,
                trig.user_id AS salesperson_id, trig.team_id, trig.company_id,
                1 AS customer_count,
                assignment.next_order_date - assignment.trigger_date AS days_to_next_order
                """
            )
        ]
        for window in RETENTION_WINDOWS:
            counted = SQL("(current_date - assignment.trigger_date > %s)", window)
            repeat = SQL("(assignment.next_order_date - assignment.trigger_date <= %s)", window)
            columns.append(
                SQL(
                    """
                    %(counted)s::int AS %(counted_name)s,
                    (NOT %(counted)s)::int AS %(recent_name)s,
                    (%(counted)s AND COALESCE(%(repeat)s, FALSE))::int AS %(repeat_name)s,
                    CASE WHEN %(counted)s
                         THEN CASE WHEN %(repeat)s THEN 100.0 ELSE 0.0 END
                    END AS %(rate_name)s,
                    CASE WHEN %(counted)s THEN %(revenue)s END AS %(revenue_name)s
                    """,
                    counted=counted,
                    repeat=repeat,
                    revenue=SQL.identifier("assignment", f"later_revenue_{window}"),
                    counted_name=SQL.identifier(f"counted_{window}"),
                    recent_name=SQL.identifier(f"too_recent_{window}"),
                    repeat_name=SQL.identifier(f"repeat_{window}"),
                    rate_name=SQL.identifier(f"repeat_rate_{window}"),
                    revenue_name=SQL.identifier(f"revenue_{window}"),
                )
            )
        return SQL(",").join(columns)

    def _from(self):
        # The triggering order for its company and salesperson: always there,
        # LEFT JOIN lets PostgreSQL drop the join when none of them is read.
        return SQL(
            "service_followup_assignment AS assignment "
            "LEFT JOIN sale_order AS trig ON trig.id = assignment.order_id"
        )
