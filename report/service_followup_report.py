from odoo import fields, models
from odoo.tools import SQL

from ..models.service_followup import FOLLOWUP_STATES, OPEN_STATES

# Not follow-ups anyone had to carry out.
EXCLUDED_STATES = ("cancelled", "held_back")


class ServiceFollowupReport(models.Model):
    """Follow-ups, with whether they were done on time: one row per follow-up
    not cancelled nor held back (a customer of a plan's comparison group: never
    carried out, neither late nor failed). Computed by PostgreSQL, read with
    grouped reads."""

    _name = "service.followup.report"
    _inherit = ["service.report.mixin"]
    _description = "Follow-up Analysis"
    _auto = False
    _rec_name = "name"
    _order = "planned_date desc, id desc"

    name = fields.Char(string="Follow-up", readonly=True)
    followup_id = fields.Many2one("service.followup", readonly=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    plan_id = fields.Many2one("service.followup.plan", readonly=True)
    step_id = fields.Many2one("service.followup.plan.step", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    planned_date = fields.Date(readonly=True)
    done_date = fields.Date(string="Done on", readonly=True)
    state = fields.Selection(
        [(value, label) for value, label in FOLLOWUP_STATES if value not in EXCLUDED_STATES],
        readonly=True,
    )
    done_count = fields.Integer(string="Done", readonly=True)
    on_time_count = fields.Integer(string="Done on Time", readonly=True)
    overdue_count = fields.Integer(
        string="Overdue", readonly=True, help="Open follow-ups whose date has passed."
    )
    on_time_rate = fields.Float(
        string="On Time (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the done follow-ups done on or before their planned date.",
    )
    rating_asked_count = fields.Integer(string="Ratings Asked", readonly=True)
    answered_count = fields.Integer(string="Answered", readonly=True)
    no_answer_count = fields.Integer(string="No Answer", readonly=True)
    response_rate = fields.Float(
        string="Response Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the closed rating requests the customer answered.",
    )
    delay_days = fields.Float(
        string="Days Late",
        readonly=True,
        aggregator="avg",
        help="Days between the planned date and the day the follow-up was done "
        "(negative when done early).",
    )

    def _select(self):
        done = SQL("(followup.state = 'done' AND followup.done_date IS NOT NULL)")
        on_time = SQL("followup.done_date::date <= followup.planned_date")
        return SQL(
            """
            followup.id, followup.id AS followup_id, followup.name,
            followup.order_id, followup.commercial_partner_id AS partner_id,
            followup.plan_id, followup.step_id, followup.user_id,
            sale_order.user_id AS salesperson_id, sale_order.team_id,
            followup.company_id, followup.planned_date,
            followup.done_date::date AS done_date, followup.state,
            %(done)s::int AS done_count,
            (%(done)s AND %(on_time)s)::int AS on_time_count,
            (followup.state IN %(open)s AND followup.planned_date < current_date)::int
                AS overdue_count,
            CASE WHEN %(done)s THEN CASE WHEN %(on_time)s THEN 100.0 ELSE 0.0 END
            END AS on_time_rate,
            CASE WHEN %(done)s THEN followup.done_date::date - followup.planned_date
            END AS delay_days,
            (followup.answer_state IS NOT NULL)::int AS rating_asked_count,
            (followup.answer_state = 'answered')::int AS answered_count,
            (followup.answer_state = 'no_answer')::int AS no_answer_count,
            CASE WHEN followup.answer_state = 'answered' THEN 100.0
                 WHEN followup.answer_state = 'no_answer' THEN 0.0
            END AS response_rate
            """,
            done=done,
            on_time=on_time,
            open=OPEN_STATES,
        )

    def _from(self):
        # A follow-up always has its order: LEFT JOIN is the same rows, and lets
        # PostgreSQL drop the join when no order column is read (a count by
        # month reads this month's follow-ups only, not every order).
        return SQL(
            "service_followup AS followup LEFT JOIN sale_order ON sale_order.id = followup.order_id"
        )

    def _where(self):
        return SQL("followup.state NOT IN %s", EXCLUDED_STATES)
