"""Service health of the customers: a score from 0 to 100 per customer
entity with its reasons in words, recomputed in batches (a few grouped queries
for a whole batch) by a nightly scheduled action and, at the end of each
transaction, for the customers whose ratings, cases, follow-ups, equipment or
orders changed (service_health_triggers.py). The factors are in
res_partner_health_factors.py."""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError
from odoo.modules.registry import Registry
from odoo.tools import SQL, split_every

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

_logger = logging.getLogger(__name__)


def _module_installed(cr):
    """Whether this module is still installed in the database of ``cr``."""
    cr.execute(
        "SELECT 1 FROM ir_module_module WHERE name = 'sale_after_sales' AND state = 'installed'"
    )
    return bool(cr.fetchone())


HEALTH_STATES = [("healthy", "Healthy"), ("watch", "To Watch"), ("at_risk", "At Risk")]
HEALTH_FIELDS = (
    "service_health_score",
    "service_health_state",
    "service_health_reasons",
    "service_health_date",
    "service_health_alerted",
)
HEALTH_BATCH_SIZE = 1000
# cr.postcommit.data key: the ids of the customer entities to recompute.
HEALTH_DIRTY_KEY = "sale_after_sales.health_dirty"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Written by _compute_service_health only (see write()): not computed
    # fields, so that a contact's creation or edition never pays for it.
    service_health_score = fields.Integer(
        string="Health",
        readonly=True,
        index=True,
        copy=False,
        help="The customer's service health, from 0 to 100 (see the reasons on his Service "
        "tab); recomputed every night and when his ratings, cases, follow-ups, equipment "
        "or orders change.",
        groups="base.group_user",
    )
    service_health_state = fields.Selection(
        HEALTH_STATES,
        string="Health State",
        readonly=True,
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
    )
    service_health_reasons = fields.Text(
        string="Health Reasons",
        readonly=True,
        copy=False,
        help="Each factor's contribution to the score, in points.",
        groups="base.group_user",
    )
    service_health_date = fields.Datetime(
        string="Health Computed On", readonly=True, copy=False, groups="base.group_user"
    )
    service_health_alerted = fields.Boolean(
        string="Health Alert Sent",
        readonly=True,
        copy=False,
        help="His salesperson was told he fell below the threshold; told again only after "
        "he recovers and falls again.",
        groups="base.group_user",
    )

    # === CRUD ===

    def write(self, vals):
        if not self.env.su and HEALTH_FIELDS_SET & vals.keys():
            raise AccessError(
                self.env._(
                    "A customer's health is computed from his service history: it cannot "
                    "be set by hand."
                )
            )
        return super().write(vals)

    # === SCHEDULED ACTION ===

    @api.model
    def _cron_compute_service_health(self, batch_size=HEALTH_BATCH_SIZE):
        """Recompute the health of every customer entity with an order or a
        piece of equipment, a locked batch per committed transaction; those
        recomputed today (by a run that timed out, or after a change) are
        left out."""
        self = self.sudo()  # a system job, for every salesperson's customers
        IrCron = self.env["ir.cron"]
        start = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        ids = self._execute_health_query(self._get_health_customers_query(start))
        IrCron._commit_progress(remaining=len(ids))
        for chunk in split_every(batch_size, ids):
            self._lock_health_batch(chunk, start)._compute_service_health()
            if not IrCron._commit_progress(len(chunk)):
                return

    @api.model
    def _get_health_customers_query(self, before):
        """The customer entities with a confirmed order or a piece of
        equipment whose health was not computed since ``before``."""
        return SQL(
            """
            SELECT p.id FROM res_partner p
             WHERE (p.service_health_date IS NULL OR p.service_health_date < %(before)s)
               AND p.id IN (SELECT e.commercial_partner_id FROM service_equipment e
                             UNION
                            SELECT c.commercial_partner_id
                              FROM sale_order o JOIN res_partner c ON c.id = o.partner_id
                             WHERE o.state = 'sale')
             ORDER BY p.id
            """,
            before=before,
        )

    @api.model
    def _execute_health_query(self, query):
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _lock_health_batch(self, ids, before):
        """The customers of ``ids`` not computed since ``before`` that no
        other transaction holds, locked (``FOR UPDATE SKIP LOCKED``): two
        runs never compute the same customer at once."""
        self.flush_model(HEALTH_FIELDS)
        return self.browse(
            self._execute_health_query(
                SQL(
                    """
                    SELECT id FROM res_partner
                     WHERE id = ANY(%s)
                       AND (service_health_date IS NULL OR service_health_date < %s)
                     ORDER BY id FOR UPDATE SKIP LOCKED
                    """,
                    list(ids),
                    before,
                )
            )
        )

    # === RECOMPUTE ON CHANGES ===

    def _mark_health_dirty(self):
        """Recompute the health of these customer entities once the
        transaction is committed, in one batch for all the changes it made
        (a cursor of its own, as Odoo sends e-mails after a commit: nothing
        is computed twice when the transaction flushes, nor when it fails)."""
        partner_ids = set(self.ids)
        if not partner_ids or self.env.context.get(MODULE_UNINSTALL_FLAG):
            return  # nothing to score, or the module's data going away with it
        postcommit = self.env.cr.postcommit
        dirty = postcommit.data.get(HEALTH_DIRTY_KEY)
        if dirty is None:
            dirty = postcommit.data[HEALTH_DIRTY_KEY] = set()
            dbname, context = self.env.cr.dbname, dict(self.env.context)

            @postcommit.add
            def compute_health_with_new_cursor():
                ids = sorted(dirty)
                try:
                    with Registry(dbname).cursor() as cr:
                        if not _module_installed(cr):
                            return  # uninstalled by the transaction just committed
                        env = api.Environment(cr, SUPERUSER_ID, context)
                        env["res.partner"]._compute_health_of_ids(ids)
                except Exception:
                    # The nightly run catches up; the change itself is committed.
                    _logger.exception("Customer health of %s customers not recomputed", len(ids))

        dirty.update(partner_ids)

    @api.model
    def _compute_health_of_ids(self, ids):
        """Recompute the health of the customer entities ``ids`` that no other
        transaction is computing, in batches."""
        self = self.sudo()
        for chunk in split_every(HEALTH_BATCH_SIZE, ids):
            locked = self._execute_health_query(
                SQL(
                    "SELECT id FROM res_partner WHERE id = ANY(%s) ORDER BY id "
                    "FOR UPDATE SKIP LOCKED",
                    list(chunk),
                )
            )
            self.browse(locked)._compute_service_health()

    # === COMPUTING ===

    def _compute_service_health(self):
        """Score these customer entities and write it: per company (its weights,
        its language for the reasons), one grouped query per factor for the
        whole batch, then one UPDATE for all. The salesperson of each customer
        who fell below the threshold gets an activity."""
        partners = self.sudo().commercial_partner_id
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        vals_list = []
        ordered = []  # the partners in the order of vals_list
        fallen = self.browse()
        for company, group in partners.grouped(lambda p: p._get_health_company()).items():
            lang = company.partner_id.lang or self.env.lang or "en_US"
            group = group.with_context(lang=lang)
            contributions = defaultdict(list)
            for factor in group._get_health_factors():
                for pid, contribution in getattr(group, f"_get_health_factor_{factor}")(
                    company, today
                ).items():
                    if contribution[0]:
                        contributions[pid].append(contribution)
            for partner in group:
                found = sorted(contributions[partner.id], key=lambda c: c[0])
                score = max(0, min(100, company.health_base_score + sum(c[0] for c in found)))
                state = group._get_health_state(score, company)
                alerted = partner.service_health_alerted
                if state != "at_risk":
                    alerted = False
                elif not alerted:
                    fallen |= partner
                    alerted = True
                ordered.append(partner.id)
                vals_list.append(
                    {
                        "service_health_score": score,
                        "service_health_state": state,
                        "service_health_reasons": "\n".join(
                            f"{points:+d}: {words}".replace("-", "\N{MINUS SIGN}", 1)
                            for points, words in found
                        )
                        or None,
                        "service_health_date": now,
                        "service_health_alerted": alerted,
                    }
                )
        partners.browse(ordered)._write_health(vals_list)
        fallen._alert_health_fall()

    def _write_health(self, vals_list):
        """Write the health fields of these partners, one value dict each, in a
        few ``UPDATE ... FROM (VALUES ...)`` (the ORM's ``_write_multi``, as it
        writes computed fields): ``write()`` would run every override of
        ``res.partner.write`` (commercial fields, addresses...) per group of
        values, for fields the system alone writes."""
        self.flush_recordset(HEALTH_FIELDS)
        self._write_multi(vals_list)
        self.invalidate_recordset(HEALTH_FIELDS)

    def _get_health_company(self):
        """The company whose weights score this customer."""
        self.ensure_one()
        return self.company_id or self.env.company

    @api.model
    def _get_health_state(self, score, company):
        if score < company.health_threshold:
            return "at_risk"
        if score < company.health_watch_threshold:
            return "watch"
        return "healthy"

    # === THE FALL ALERT ===

    def _alert_health_fall(self):
        """One activity for the salesperson of each of these customers, who
        just fell below the threshold, with the reasons; customers without a
        salesperson get none."""
        if not self:
            return
        salespeople = self._get_health_salespeople()
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for partner in self:
            user = salespeople.get(partner.id)
            if not user:
                continue
            partner = partner.with_context(lang=user.lang or partner.env.lang)
            lines = (partner.service_health_reasons or "").splitlines()
            note = Markup("<p>%s</p><ul>%s</ul>") % (
                partner.env._(
                    "%(customer)s's service health fell to %(score)s:",
                    customer=partner.display_name,
                    score=partner.service_health_score,
                ),
                Markup().join(Markup("<li>%s</li>") % line for line in lines),
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id if activity_type else False,
                    "summary": partner.env._("Customer at risk"),
                    "note": note,
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            vals_list
        )

    def _get_health_salespeople(self):
        """{partner id: user}: his own salesperson, else the one of his latest
        confirmed order (one grouped query)."""
        result = {p.id: p.user_id for p in self if p.user_id and p.user_id.active}
        rest = self.filtered(lambda p: p.id not in result)
        if rest:
            latest = {}
            for partner, user, date in (
                self.env["sale.order"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "child_of", rest.ids),
                        ("state", "=", "sale"),
                        ("user_id", "!=", False),
                    ],
                    ["partner_id", "user_id"],
                    ["date_order:max"],
                )
            ):
                pid = partner.commercial_partner_id.id
                if pid not in latest or latest[pid][1] < date:
                    latest[pid] = (user, date)
            result.update({pid: user for pid, (user, _date) in latest.items()})
        return result


HEALTH_FIELDS_SET = frozenset(HEALTH_FIELDS)
