"""The gift of a follow-up: a loyalty card of the step's program for a
satisfied customer, created when the step is carried out and e-mailed with
its code; the orders that use it point back to the follow-up."""

import ast
from datetime import timedelta

from odoo import fields, models

from .service_followup import ServiceFollowup as BaseFollowup

HAPPY_SCORE = 4  # a rating of 4 or 5 (Odoo's "happy" face is 5)


def _literal(headers):
    """The headers of a mail.mail, stored as Python's text of a dict."""
    try:
        return ast.literal_eval(headers)
    except (ValueError, SyntaxError):
        return {}


class ServiceFollowup(models.Model):
    _inherit = "service.followup"
    _workflow_fields = (*BaseFollowup._workflow_fields, "loyalty_card_id")

    loyalty_card_id = fields.Many2one(
        "loyalty.card",
        string="Gift",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The card this follow-up gave the customer.",
    )
    gift_order_ids = fields.One2many(
        "sale.order",
        "after_sales_followup_id",
        string="Orders from the Gift",
        help="The orders on which the customer used this follow-up's gift.",
    )

    # === GIFT CONDITIONS ===

    def _get_gift_skip_reasons(self):
        """{follow-up: why it gives no gift} for those of these follow-ups whose
        step gives one and whose customer may not get it: a complaint open, not
        satisfied as the step asks, a gift received in the step's interval, or
        this step's gift received already. Read for the batch at once."""
        gifting = self.filtered(lambda f: f.step_id.gift_program_id)
        if not gifting:
            return {}
        partners = gifting.commercial_partner_id
        complaining = gifting._get_open_complaint_customers()
        last_scores = gifting._get_last_rating_scores()
        unhappy = gifting._get_customers_rated_below_threshold()
        cards = (
            self.env["loyalty.card"]
            .with_context(active_test=False)
            .search_fetch(
                [("followup_partner_id", "in", partners.ids)],
                ["followup_partner_id", "followup_step_id", "create_date"],
            )
        )
        now = fields.Datetime.now()
        reasons = {}
        for followup in gifting:
            step, partner = followup.step_id, followup.commercial_partner_id
            customer = followup.partner_id.display_name
            own_cards = cards.filtered(lambda c, p=partner: c.followup_partner_id == p)
            recent = step.gift_interval_days and own_cards.filtered(
                lambda c, s=step: c.create_date >= now - timedelta(days=s.gift_interval_days)
            )
            if partner in complaining:
                reason = self.env._(
                    "Skipped: no gift while %(customer)s has an open complaint.", customer=customer
                )
            elif own_cards.filtered(lambda c, s=step: c.followup_step_id == s):
                reason = self.env._(
                    "Skipped: %(customer)s received this step's gift already.", customer=customer
                )
            elif recent:
                reason = self.env._(
                    "Skipped: %(customer)s received an after-sales gift less than %(days)s "
                    "days ago.",
                    customer=customer,
                    days=step.gift_interval_days,
                )
            elif step.gift_condition == "happy" and last_scores.get(partner, 0) < HAPPY_SCORE:
                reason = self.env._(
                    "Skipped: the gift is for customers whose last rating is happy; "
                    "%(customer)s's is not.",
                    customer=customer,
                )
            elif step.gift_condition == "no_low" and partner in unhappy:
                reason = self.env._(
                    "Skipped: the gift is for customers never dissatisfied; %(customer)s "
                    "rated us low.",
                    customer=customer,
                )
            else:
                continue
            reasons[followup] = reason
        return reasons

    def _get_last_rating_scores(self):
        """{customer entity: his latest satisfaction score (1 to 5)}."""
        entries = self.env["service.history"].search_fetch(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("satisfaction", "!=", "0"),
            ],
            ["commercial_partner_id", "satisfaction"],
            order="date desc, id desc",
        )
        scores = {}
        for entry in entries:
            scores.setdefault(entry.commercial_partner_id, int(entry.satisfaction))
        return scores

    def _get_customers_rated_below_threshold(self):
        """The customer entities who ever gave a score at or below their
        company's complaint threshold."""
        thresholds = {int(c.complaint_threshold or 0) for c in self.company_id}
        levels = [str(level) for level in range(1, max(thresholds, default=0) + 1)]
        groups = self.env["service.history"]._read_group(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("satisfaction", "in", levels),
            ],
            ["commercial_partner_id", "company_id", "satisfaction"],
        )
        return self.env["res.partner"].union(
            *(
                partner
                for partner, company, satisfaction in groups
                if int(satisfaction) <= int(company.complaint_threshold or 0)
            )
        )

    # === GIVING ===

    def _give_gifts(self):
        """Create the cards of these follow-ups (whose step gives a gift) and
        e-mail them; a follow-up whose e-mail fails to render keeps no card.

        :return: the follow-ups that failed (marked failed)
        """
        if not self:
            return self.browse()
        today = fields.Date.context_today(self)
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .with_context(loyalty_no_mail=True)  # the step's e-mail announces it
            .create([followup._prepare_gift_card_vals(today) for followup in self])
        )
        self.env["loyalty.history"].sudo().create(
            [
                {
                    "card_id": card.id,
                    "description": self.env._(
                        "After-sales gift: %(followup)s", followup=followup.display_name
                    ),
                    "issued": card.points,
                }
                for followup, card in zip(self, cards, strict=True)
            ]
        )
        for followup, card in zip(self._workflow(), cards, strict=True):
            followup.loyalty_card_id = card
        failed = self.browse()
        for template, followups in self.grouped(lambda f: f.step_id.gift_template_id).items():
            mails, unrendered = followups._send_template_mails(template, lambda f: f.id)
            failed |= unrendered
            (followups - unrendered)._set_unsubscribe_headers(mails)
        if failed:
            lost = failed.loyalty_card_id
            failed._workflow().loyalty_card_id = False
            lost.history_ids.unlink()
            lost.unlink()
        return failed

    def _get_unsubscribe_url(self):
        """The link of this follow-up's commercial e-mail (a gift, an offer)
        that takes its customer's address off them (Odoo's blacklist)."""
        self.ensure_one()
        return self.env["mail.blacklist"]._get_after_sales_unsubscribe_url(self.partner_id.email)

    def _set_unsubscribe_headers(self, mails):
        """The ``List-Unsubscribe`` headers of these follow-ups' commercial
        e-mails (``mails``: {follow-up id: mail.mail}): the customer's mail
        client offers its own one-click unsubscribe button."""
        Blacklist = self.env["mail.blacklist"]
        for followup in self:
            mail = mails[followup.id]
            mail.headers = repr(
                {
                    **(mail.headers and _literal(mail.headers) or {}),
                    **Blacklist._get_after_sales_unsubscribe_headers(followup.partner_id.email),
                }
            )

    def _prepare_gift_card_vals(self, today):
        self.ensure_one()
        step = self.step_id
        program = step.gift_program_id
        expiration = step.gift_validity_days and today + timedelta(days=step.gift_validity_days)
        if program.date_to and (not expiration or program.date_to < expiration):
            expiration = program.date_to
        return {
            "program_id": program.id,
            "partner_id": self.partner_id.id,
            "points": step.gift_points,
            "expiration_date": expiration or False,
            "followup_id": self.id,
        }
