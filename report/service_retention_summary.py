from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import formatLang

from ..models import retention_statistics as stats
from ..models.service_followup_assignment_retention import RETENTION_WINDOWS


class ServiceRetentionSummary(models.TransientModel):
    """The Retention Analysis at a glance: for a plan (or all plans) and the
    customers whose triggering order is in a period, cared against held back
    over a window (90, 180 or 365 days): customers, repeat-purchase rate with
    Wilson's interval, median days to the next order, later revenue per
    customer; the difference with Newcombe's interval (rates) and Welch's
    (revenue), and one sentence saying what it means. Read from the
    ``service.retention.report`` with the user's rights, a grouped read per
    figure set (no order is read)."""

    _name = "service.retention.summary"
    _description = "Retention Analysis Summary"

    plan_id = fields.Many2one("service.followup.plan", help="Empty: every plan together.")
    date_from = fields.Date(
        string="Triggering Orders From",
        default=lambda self: fields.Date.context_today(self) - relativedelta(years=2),
    )
    date_to = fields.Date(string="To", default=fields.Date.context_today)
    window = fields.Selection(
        [(str(days), f"{days} days") for days in RETENTION_WINDOWS],
        string="Bought Again Within",
        default="180",
        required=True,
    )
    sentence = fields.Text(compute="_compute_summary")
    shares_note = fields.Text(compute="_compute_summary")
    summary_html = fields.Html(string="Figures", compute="_compute_summary", sanitize=False)

    @api.depends("plan_id", "date_from", "date_to", "window")
    def _compute_summary(self):
        for summary in self:
            window = int(summary.window or 180)
            figures = summary._get_figures(window)
            total = figures.get(False) or summary._empty_figures()
            summary.sentence = summary._get_sentence(total, window, summary.plan_id)
            summary.shares_note = summary._get_shares_note()
            summary.summary_html = summary._get_summary_html(figures, window)

    # === ACTION METHODS ===

    def action_open_report(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_retention_report_action"
        )
        action["domain"] = self._get_domain()
        return action

    # === BUSINESS METHODS ===

    def _get_domain(self):
        domain = []
        if self.plan_id:
            domain.append(("plan_id", "=", self.plan_id.id))
        if self.date_from:
            domain.append(("trigger_date", ">=", self.date_from))
        if self.date_to:
            domain.append(("trigger_date", "<=", self.date_to))
        return domain

    @api.model
    def _empty_figures(self):
        return self._compare(
            {group: self._group_figures(0, 0, [], []) for group in ("cared", "held_back")}
        )

    @api.model
    def _group_figures(self, customers, counted, days, revenues):
        """A group's figures: ``days`` the days to the next order of the
        counted customers who bought again within the window, ``revenues``
        the later revenue of each counted customer."""
        repeat = len(days)
        low, high = stats.wilson_interval(repeat, counted)
        return {
            "customers": customers,
            "counted": counted,
            "too_recent": customers - counted,
            "repeat": repeat,
            "rate": repeat / counted if counted else None,
            "rate_low": low,
            "rate_high": high,
            "median_days": stats.median(days),
            "revenue": stats.mean_and_variance(revenues)[0],
            "revenues": revenues,
        }

    @api.model
    def _compare(self, groups):
        """Cared against held back: the difference of the rates with
        Newcombe's interval, of the revenues with Welch's, and the customers
        needed to tell the observed rates apart (80 % power)."""
        cared, held = groups["cared"], groups["held_back"]
        result = dict(groups, difference=None, low=None, high=None, significant=False)
        result.update(revenue_difference=None, revenue_low=None, revenue_high=None, needed=None)
        if cared["counted"] and held["counted"]:
            low, high = stats.newcombe_interval(
                cared["repeat"], cared["counted"], held["repeat"], held["counted"]
            )
            needed = stats.sample_size_two_proportions(
                cared["rate"], held["rate"], ratio=cared["counted"] / held["counted"]
            )
            result.update(
                difference=cared["rate"] - held["rate"],
                low=low,
                high=high,
                significant=low > 0 or high < 0,
                needed=needed,
                revenue_difference=cared["revenue"] - held["revenue"],
            )
            result["revenue_low"], result["revenue_high"] = stats.welch_interval(
                cared["revenues"], held["revenues"]
            )
        return result

    def _get_figures(self, window):
        """``{plan: comparison}`` for each plan in the period, and under the
        key ``False`` all of them together (or the chosen plan)."""
        Report = self.env["service.retention.report"]
        rows = Report._read_group(
            self._get_domain(),
            ["plan_id", "group"],
            [
                "__count",
                f"counted_{window}:sum",
                "days_to_next_order:array_agg",
                f"revenue_{window}:array_agg",
            ],
        )
        parts = {}  # {plan: {group: (customers, counted, days, revenues)}}
        for plan, group, count, counted, all_days, all_revenues in rows:
            # Aligned arrays (both in id order); a revenue is None when the
            # customer's window has not passed.
            revenues = [revenue for revenue in all_revenues if revenue is not None]
            days = [
                day
                for day, revenue in zip(all_days, all_revenues, strict=True)
                if revenue is not None and day is not None and day <= window
            ]
            for key in (plan, False):
                part = parts.setdefault(key, {}).setdefault(group, [0, 0, [], []])
                part[0] += count
                part[1] += counted or 0
                part[2] += days
                part[3] += revenues
        return {
            key: self._compare(
                {
                    group: self._group_figures(*groups.get(group, (0, 0, [], [])))
                    for group in ("cared", "held_back")
                }
            )
            for key, groups in parts.items()
        }

    def _get_shares_note(self):
        """Whether the customers compared were assigned under different
        shares held back: the groups' sizes then changed over the period and
        pooling them mixes customers of different times."""
        Report = self.env["service.retention.report"]
        shares = {}
        for plan, share in Report._read_group(
            self._get_domain(), ["plan_id", "holdback_percent"], []
        ):
            shares.setdefault(plan, []).append(share)
        changed = {plan: values for plan, values in shares.items() if len(values) > 1}
        notes = []
        if changed:
            notes.append(
                self.env._(
                    "The groups were assigned under different shares held back (%(shares)s): "
                    "the share of customers held back changed during the period, so customers "
                    "of different months are pooled. Read the analysis by month to compare "
                    "months of one share.",
                    shares="; ".join(
                        f"{plan.display_name}: "
                        + ", ".join(f"{formatLang(self.env, v, digits=0)} %" for v in sorted(vs))
                        for plan, vs in changed.items()
                    ),
                )
            )
        if not self.plan_id and len({tuple(v) for v in shares.values()}) > 1:
            notes.append(
                self.env._(
                    "All plans together pool plans that hold back different shares of their "
                    "customers; choose a plan to compare its groups alone."
                )
            )
        return "\n".join(notes)

    def _format_points(self, value):
        return formatLang(self.env, value * 100, digits=1)

    def _get_sentence(self, figures, window, plan):
        """One plain sentence on the repeat-purchase rates."""
        cared, held = figures["cared"], figures["held_back"]
        count = lambda value: formatLang(self.env, value, digits=0)  # noqa: E731
        recent = cared["too_recent"] + held["too_recent"]
        if not cared["counted"] or not held["counted"]:
            if not cared["counted"] and not held["counted"]:
                return self.env._(
                    "No customer of the period is old enough for %(days)s days yet "
                    "(%(recent)s too recent): no comparison is possible yet.",
                    days=window,
                    recent=count(recent),
                )
            params = {
                "days": window,
                "cared": count(cared["counted"]),
                "held": count(held["counted"]),
                "recent": count(recent),
            }
            if cared["counted"]:
                return self.env._(
                    "No held-back customer whose %(days)s days have passed: no comparison is "
                    "possible (%(cared)s cared, %(held)s held back counted; %(recent)s too "
                    "recent).",
                    **params,
                )
            return self.env._(
                "No cared customer whose %(days)s days have passed: no comparison is "
                "possible (%(cared)s cared, %(held)s held back counted; %(recent)s too recent).",
                **params,
            )
        care = (
            self.env._("%(plan)s after-sales care", plan=plan.name)
            if plan
            else self.env._("after-sales care")
        )
        params = {
            "care": care,
            "days": window,
            "points": self._format_points(abs(figures["difference"])),
            "low": self._format_points(figures["low"]),
            "high": self._format_points(figures["high"]),
            "cared": count(cared["counted"]),
            "held": count(held["counted"]),
        }
        if figures["difference"] > 0:
            sentence = self.env._(
                "Customers who received %(care)s bought again within %(days)s days %(points)s "
                "points more often than those held back (95 %% CI %(low)s to %(high)s points; "
                "%(cared)s cared, %(held)s held back).",
                **params,
            )
        elif figures["difference"] < 0:
            sentence = self.env._(
                "Customers who received %(care)s bought again within %(days)s days %(points)s "
                "points less often than those held back (95 %% CI %(low)s to %(high)s points; "
                "%(cared)s cared, %(held)s held back).",
                **params,
            )
        else:
            sentence = self.env._(
                "Customers who received %(care)s bought again within %(days)s days as often "
                "as those held back (95 %% CI %(low)s to %(high)s points; %(cared)s cared, "
                "%(held)s held back).",
                **params,
            )
        if figures["significant"]:
            conclusion = self.env._("The difference is unlikely to be chance.")
        elif figures["needed"] is None:
            conclusion = self.env._("The data do not show an effect.")
        elif figures["needed"] > cared["counted"] + held["counted"]:
            conclusion = self.env._(
                "The data do not yet show an effect: about %(more)s more customers would be "
                "needed to tell a difference of this size from chance.",
                more=count(figures["needed"] - cared["counted"] - held["counted"]),
            )
        else:
            conclusion = self.env._(
                "The data do not show an effect, although a difference of this size would "
                "usually show with this many customers: it may well be chance."
            )
        sentence = f"{sentence} {conclusion}"
        if recent:
            sentence += " " + self.env._(
                "%(recent)s more customers are too recent to count (their %(days)s days have "
                "not passed).",
                recent=count(recent),
                days=window,
            )
        return sentence

    def _get_summary_html(self, figures, window):
        """A table: each group's figures, then the difference with its
        interval, for each plan and for all of them together."""
        currency = self.env.company.currency_id
        dash = "\N{EM DASH}"

        def number(value, digits=0):
            return dash if value is None else formatLang(self.env, value, digits=digits)

        def money(value):
            return dash if value is None else formatLang(self.env, value, currency_obj=currency)

        def interval(low, high, formatter):
            if low is None:
                return dash
            return self.env._("%(low)s to %(high)s", low=formatter(low), high=formatter(high))

        def percent(value):
            return number(None if value is None else value * 100, 1)

        headers = [
            self.env._("Group"),
            self.env._("Customers"),
            self.env._("Too Recent"),
            self.env._("Counted"),
            self.env._("Bought Again"),
            self.env._("Repeat Rate (%)"),
            self.env._("95 % CI"),
            self.env._("Median Days to Next Order"),
            self.env._("Later Revenue per Customer"),
        ]
        plans = sorted((key for key in figures if key), key=lambda plan: plan.display_name)
        sections = [(plan, figures[plan]) for plan in plans]
        if len(plans) != 1:
            sections.append((False, figures.get(False) or self._empty_figures()))
        labels = {"cared": self.env._("Cared"), "held_back": self.env._("Held Back")}
        body = Markup()
        for plan, comparison in sections:
            title = plan.display_name if plan else self.env._("All plans")
            body += Markup('<tr class="table-active"><th colspan="%s">%s</th></tr>') % (
                len(headers),
                title,
            )
            for group in ("cared", "held_back"):
                row = comparison[group]
                cells = [
                    labels[group],
                    number(row["customers"]),
                    number(row["too_recent"]),
                    number(row["counted"]),
                    number(row["repeat"]),
                    percent(row["rate"]),
                    interval(row["rate_low"], row["rate_high"], percent),
                    number(row["median_days"], 1),
                    money(row["revenue"]),
                ]
                body += Markup("<tr>%s</tr>") % Markup().join(
                    Markup("<td>%s</td>") % cell for cell in cells
                )
            cells = [
                self.env._("Difference"),
                "",
                "",
                "",
                "",
                number(
                    None if comparison["difference"] is None else comparison["difference"] * 100, 1
                ),
                interval(comparison["low"], comparison["high"], percent),
                "",
                dash
                if comparison["revenue_difference"] is None
                else self.env._(
                    "%(difference)s (95 %% CI %(interval)s)",
                    difference=money(comparison["revenue_difference"]),
                    interval=interval(comparison["revenue_low"], comparison["revenue_high"], money),
                ),
            ]
            body += Markup('<tr class="fw-bold">%s</tr>') % Markup().join(
                Markup("<td>%s</td>") % cell for cell in cells
            )
        head = Markup().join(Markup("<th>%s</th>") % header for header in headers)
        caption = self.env._(
            "Over the customers whose triggering order is in the period, the rates and "
            "revenues of those whose %(days)s days have passed; the median days to the next "
            "order of those who bought again within them. Intervals: Wilson (a rate), "
            "Newcombe (a difference of rates, in points), Welch (a difference of revenues).",
            days=window,
        )
        return Markup(
            '<table class="table table-sm o_retention_summary"><thead><tr>%s</tr></thead>'
            '<tbody>%s</tbody></table><p class="text-muted small">%s</p>'
        ) % (head, body, caption)
