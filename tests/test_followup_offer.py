"""The offer of a follow-up: one quotation from a quotation template for the
customer's pieces whose warranty ends (or maintenance is due) in the step's
window, e-mailed with Odoo's quotation e-mail, accepted in Odoo's portal, and
what accepting, expiring and retiring a piece do."""

import ast
import inspect
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


class OfferCommon(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls._track_equipment(cls.product_machine)
        cls.company.handover_default_user_id = cls.service_user
        cls.product_extension, cls.product_visit = cls.env["product.product"].create(
            [
                {
                    "name": "Warranty +12 months",
                    "type": "service",
                    "list_price": 149.0,
                    "service_warranty_extension_months": 12,
                },
                {
                    "name": "Maintenance visit",
                    "type": "service",
                    "list_price": 90.0,
                    "service_maintenance_visit": True,
                },
            ]
        )
        cls.offer_template = cls._create_offer_template(
            "Extended warranty", [cls.product_extension]
        )
        cls.plan = cls._create_plan(
            "Warranty offer",
            [
                {
                    "name": "Offer an extended warranty",
                    "delay_count": 30,
                    "delay_from": "before_plan_date",
                    "create_activity": False,
                    "offer_template_id": cls.offer_template.id,
                    "offer_window_days": 30,
                }
            ],
            trigger="warranty_ends",
            user_id=cls.salesman.id,
        )
        cls.step = cls.plan.step_ids

    @classmethod
    def _create_offer_template(cls, name, products, **values):
        return cls.env["sale.order.template"].create(
            {
                "name": name,
                "number_of_days": 30,
                "require_signature": True,
                "require_payment": False,
                "sale_order_template_line_ids": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                    for product in products
                ],
                **values,
            }
        )

    @classmethod
    def _pieces(cls, partner, qty=1, ends_in_days=20):
        """``qty`` machines sold to ``partner`` whose warranty ends in
        ``ends_in_days`` days: their offer is planned 30 days before."""
        order = cls._create_order(partner, [(cls.product_machine, qty)], confirm=True)
        pieces = order.equipment_ids
        today = fields.Date.today()
        pieces.date_start = today - relativedelta(months=24) + timedelta(days=ends_in_days)
        return pieces

    def _run_cron(self, xmlid):
        """Run the scheduled action ``xmlid`` as the cron worker does (its
        commits are savepoints of the test transaction)."""
        cron = self.env.ref(xmlid)
        self.env.flush_all()
        job = {**cron.read(load=None)[0], "done": 0, "remaining": 0, "timed_out_counter": 0}
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            self.registry["ir.cron"]._process_job(cr, job)
        self.env.invalidate_all()

    def _followups(self, pieces, step=None):
        return pieces.followup_ids.filtered(lambda f: f.step_id == (step or self.step))

    def _offers(self, partner=None):
        domain = [("is_after_sales_offer", "=", True)]
        if partner:
            domain.append(("partner_id", "child_of", partner.id))
        return self.env["sale.order"].search(domain)

    def _make_offers(self, count, partner=None):
        """``count`` offers to ``partner`` (the Brightwater contact Anna by
        default), one cron run each."""
        offers = self.env["sale.order"]
        for _index in range(count):
            self._pieces(partner or self.contact_anna, qty=1)
            self._run_followup_cron()
            offers |= self._offers(partner or self.customer) - offers
        self.assertEqual(len(offers), count)
        return offers


@tagged("post_install", "-at_install")
class TestFollowupOffer(OfferCommon):
    def test_pieces_due_in_the_window_make_one_quotation_a_line_each(self):
        due = self._pieces(self.customer, qty=2, ends_in_days=20)
        soon = self._pieces(self.customer, qty=1, ends_in_days=45)  # planned in 15 days
        later = self._pieces(self.customer, qty=1, ends_in_days=90)  # planned in 60 days
        self._run_followup_cron()
        order = self._offers(self.customer)
        self.assertEqual(len(order), 1, "one quotation for the pieces of the window")
        offered = due | soon
        self.assertEqual(order.order_line.service_equipment_id, offered)
        for piece in offered:
            line = order.order_line.filtered(lambda line, p=piece: line.service_equipment_id == p)
            self.assertEqual(line.product_id, self.product_extension)
            self.assertIn(piece.display_name, line.name, "the piece is named on its line")
        self.assertEqual(order.state, "sent", "e-mailed as Send by E-mail does")
        self.assertEqual(order.user_id, self.salesman, "the original order's salesperson")
        self.assertEqual(order.sale_order_template_id, self.offer_template)
        self.assertEqual(order.validity_date, fields.Date.today() + timedelta(days=30))
        self.assertTrue(order.require_signature)
        self.assertEqual(order.pricelist_id, self.customer.property_product_pricelist)
        self.assertEqual(
            order.fiscal_position_id,
            self.env["account.fiscal.position"]._get_fiscal_position(self.customer),
        )
        followups = self._followups(offered)
        self.assertEqual(set(followups.mapped("state")), {"done"})
        self.assertEqual(followups.offer_order_id, order)
        self.assertEqual(self._followups(later).state, "planned")
        self.assertFalse(self._followups(later).offer_order_id)
        # Odoo's quotation e-mail, to the customer, with the portal link.
        message = order.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertIn("Quotation", message.subject)
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", message.id), ("recipient_ids", "in", self.customer.ids)]
        )
        self.assertEqual(len(mail), 1, "to the customer")
        self.assertIn("Accept &amp; Sign Quotation", mail.body_html, "the portal button")
        self.assertIn(f"access_token={order.access_token}", mail.body_html)
        self.assertIn(
            f"model=sale.order&amp;pid={self.customer.id}&amp;res_id={order.id}", mail.body_html
        )
        headers = ast.literal_eval(mail.headers)
        self.assertIn("/after-sales/unsubscribe/one-click", headers["List-Unsubscribe"])
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        others = self.env["mail.mail"].search(
            [("mail_message_id", "=", message.id), ("id", "!=", mail.id)]
        )
        self.assertFalse(
            any("List-Unsubscribe" in (other.headers or "") for other in others),
            "the salesperson's copy has no unsubscribe header",
        )
        # Never a second quotation for the same pieces, run after run.
        self._run_followup_cron()
        self.assertEqual(self._offers(self.customer), order)

    def test_each_offer_email_carries_its_own_quotation_as_send_by_email_does(self):
        """Each offer's e-mail carries its own quotation document, named as
        Odoo's Send by E-mail names it, once."""
        self._pieces(self.customer, qty=1)
        self._pieces(self.other_customer, qty=1)
        self._run_followup_cron()  # one batch for both
        offers = self._offers()
        self.assertEqual(len(offers), 2)
        # Odoo's own Send by E-mail, for comparison.
        manual = self._create_order(self.other_customer, [(self.product_extension, 1)])
        action = manual.action_quotation_send()
        self.env["mail.compose.message"].with_context(**action["context"]).create(
            {"force_send": False}
        ).action_send_mail()
        for order in offers | manual:
            with self.subTest(order=order.name):
                message = order.message_ids.filtered(lambda m: m.message_type == "comment")
                self.assertEqual(len(message), 1)
                document = message.attachment_ids
                self.assertEqual(len(document), 1, "the quotation's document, once")
                self.assertEqual(document.name, f"Quotation - {order.name}.html")
                self.assertEqual((document.res_model, document.res_id), ("sale.order", order.id))
                self.assertIn(order.name, document.raw.decode())
                for other in offers - order:
                    self.assertNotIn(other.name, document.raw.decode())

    def test_the_overridden_notification_hook_keeps_odoos_signature(self):
        """sale_order_offer.py overrides mail.thread's
        _notify_by_email_get_final_mail_values (the customer's copy gets the
        unsubscribe headers): Odoo's signature must still be the one it takes."""
        from odoo.addons.mail.models.mail_thread import MailThread
        from odoo.addons.sale_after_sales.models.sale_order_offer import SaleOrder

        name = "_notify_by_email_get_final_mail_values"
        self.assertEqual(
            inspect.signature(getattr(SaleOrder, name)),
            inspect.signature(getattr(MailThread, name)),
        )

    def test_the_quotation_is_in_the_customers_language_and_company(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.product_extension.with_context(lang="fr_FR").name = "Garantie +12 mois"
        self.other_customer.lang = "fr_FR"
        self.salesman.active = False  # the plan's responsible takes over
        other_salesman = self.other_salesman
        self.plan.user_id = other_salesman
        self._pieces(self.other_customer, qty=1)
        self._run_followup_cron()
        order = self._offers(self.other_customer)
        self.assertEqual(order.user_id, other_salesman)
        self.assertEqual(order.company_id, self.company)
        self.assertIn("Garantie +12 mois", order.order_line.name)

    def test_two_customers_never_share_a_quotation(self):
        self._pieces(self.customer, qty=1)
        self._pieces(self.other_customer, qty=1)
        self._run_followup_cron()
        self.assertEqual(len(self._offers(self.customer)), 1)
        self.assertEqual(len(self._offers(self.other_customer)), 1)
        self.assertNotEqual(self._offers(self.customer), self._offers(self.other_customer))

    def test_a_second_step_offering_the_same_pieces_is_skipped_naming_the_quotation(self):
        second = self.plan.copy({"name": "Warranty offer again"})
        pieces = self._pieces(self.customer, qty=1)
        self._run_followup_cron()
        order = self._offers(self.customer)
        self.assertEqual(len(order), 1)
        followups = pieces.followup_ids.filtered(lambda f: f.plan_id in (self.plan | second))
        self.assertEqual(len(followups), 2)
        skipped = followups.filtered(lambda f: f.state == "skipped")
        self.assertEqual(len(skipped), 1)
        self.assertIn(f"is offered on {order.name} already", skipped.failure_reason)

    def test_a_step_offer_is_checked_when_saved(self):
        empty = self.env["sale.order.template"].create({"name": "Empty"})
        foreign = self._create_offer_template(
            "Other company", [self.product_extension], company_id=self.other_company.id
        )
        ordinary = self._create_plan(
            "After the sale", [{"name": "Thank you", "create_activity": True}]
        )
        for step, values, message in (
            (
                ordinary.step_ids,
                {"offer_template_id": self.offer_template.id},
                "pieces of equipment",
            ),
            (self.step, {"offer_template_id": empty.id}, "has no product line"),
            (self.step, {"offer_window_days": -1}, "within 0 to"),
            (self.step, {"offer_template_id": False}, "does nothing"),
            (self.step, {"offer_template_id": foreign.id}, "belongs to another company"),
        ):
            with self.subTest(message=message), self.assertRaisesText(UserError, message):
                step.write(values)
        # A recurring maintenance step may offer (maintenance due).
        ordinary.step_ids.write(
            {"equipment_recurring": True, "offer_template_id": self.offer_template.id}
        )
        # A plan may not stop being about equipment under its offer.
        with self.assertRaisesText(ValidationError, "pieces of equipment"):
            self.plan.copy().trigger = "order_confirmed"

    def test_bad_input_fails_or_skips_with_the_reason_and_creates_nothing(self):
        """Each fault costs its follow-up only: a clear reason, no quotation,
        and the other customers of the batch get theirs."""
        cases = []

        def case(name, email="x@example.com", **partner_values):
            partner = self.env["res.partner"].create(
                {"name": name, "email": email, **partner_values}
            )
            cases.append((partner, self._pieces(partner, qty=1)))
            return partner, cases[-1][1]

        fine, _pieces = case("Fine customer")
        case("Without e-mail", email=False)
        case("Opted out", service_email_opt_out=True)
        blacklisted, _pieces = case("Blacklisted", email="black@example.com")
        self.env["mail.blacklist"].create({"email": "black@example.com"})
        _partner, no_end = case("No warranty end")
        no_end.write({"warranty_months": 0})  # its reminder is cancelled: planned by hand
        self.env["service.followup"]._workflow().create(
            {
                "order_id": no_end.order_id.id,
                "plan_id": self.plan.id,
                "step_id": self.step.id,
                "trigger": "warranty_ends",
                "equipment_id": no_end.id,
                "planned_date": fields.Date.today(),
            }
        )
        self._run_followup_cron()
        self.assertEqual(self._offers(), self._offers(fine), "the rest of the batch is carried out")
        expected = {
            "Without e-mail": ("failed", "has no e-mail address"),
            "Opted out": ("skipped", "does not want our e-mails"),
            "Blacklisted": ("skipped", "does not want our e-mails"),
            "No warranty end": ("failed", "has no warranty end"),
        }
        for partner, pieces in cases[1:]:
            with self.subTest(customer=partner.name):
                followup = self._followups(pieces)
                state, reason = expected[partner.name]
                self.assertEqual(followup.state, state)
                self.assertIn(reason, followup.failure_reason)
                self.assertFalse(followup.offer_order_id)

    def test_a_template_gone_wrong_fails_the_followup_with_the_reason(self):
        for change, reason in (
            (lambda: setattr(self.product_extension, "active", False), "archived"),
            (
                lambda: setattr(self.offer_template, "company_id", self.other_company),
                "belongs to another company",
            ),
            (lambda: setattr(self.offer_template, "active", False), "is archived"),
        ):
            with self.subTest(reason=reason):
                self.product_extension.active = True
                self.offer_template.write({"active": True, "company_id": self.company.id})
                change()
                followup = self._followups(self._pieces(self.customer, qty=1))
                self._run_followup_cron()
                self.assertEqual(followup.state, "failed")
                self.assertIn(reason, followup.failure_reason)
                self.assertFalse(self._offers(), "no quotation, not even an empty one")

    def test_an_email_that_cannot_be_sent_leaves_no_quotation(self):
        broken = self._pieces(self.customer, qty=1)
        fine = self._pieces(self.other_customer, qty=1)
        SaleOrder = type(self.env["sale.order"])
        post = SaleOrder.message_post_with_source
        customer = self.customer

        def message_post_with_source(orders, *args, **kwargs):
            if orders.partner_id == customer:
                raise ValueError("The mail server refused the quotation")
            return post(orders, *args, **kwargs)

        with patch.object(SaleOrder, "message_post_with_source", message_post_with_source):
            self._run_followup_cron()  # one batch for both
        self.assertEqual(self._followups(broken).state, "failed")
        self.assertIn("refused the quotation", self._followups(broken).failure_reason)
        self.assertFalse(self._offers(self.customer), "nothing half-created")
        self.assertEqual(self._followups(fine).state, "done")
        self.assertEqual(len(self._offers(self.other_customer)), 1)

    def test_accepting_extends_the_warranty_and_plans_the_visit(self):
        self.offer_template.sale_order_template_line_ids = [
            Command.create({"product_id": self.product_visit.id, "product_uom_qty": 1})
        ]
        pieces = self._pieces(self.customer, qty=2)
        ends = {piece: piece.warranty_end for piece in pieces}
        self._run_followup_cron()
        order = self._offers(self.customer)
        order.action_confirm()
        self.assertEqual(order.after_sales_origin, "offer")
        self.assertEqual(order.after_sales_followup_id, self._followups(pieces)[:1])
        for piece in pieces:
            self.assertEqual(piece.warranty_end, ends[piece] + relativedelta(months=12))
            self.assertEqual(piece.warranty_extension_months, 12)
            entry = piece.history_ids.filtered(lambda e: e.order_id == order)
            self.assertEqual(len(entry), 1, "one history entry on each piece")
            self.assertIn(f"Offer {order.name} accepted", entry.summary)
            visit = piece.activity_ids.filtered(lambda a: a.summary == "Maintenance visit ordered")
            self.assertEqual(visit.user_id, self.service_user, "for the service department")
            self.assertEqual(visit.date_deadline, piece.next_maintenance_date)
        # The extension stays when the piece's dates are corrected.
        piece = pieces[0]
        piece.date_start = piece.date_start - timedelta(days=10)
        self.assertEqual(piece.warranty_end, piece.date_start + relativedelta(months=24 + 12))
        # The next warranty offer comes for the new end.
        planned = self._followups(piece).filtered(lambda f: f.state == "planned")
        self.assertEqual(planned.equipment_due_date, piece.warranty_end)

    def test_a_maintenance_due_step_offers_the_visit_planned_on_acceptance(self):
        self.plan.active = False
        visit_template = self._create_offer_template("Maintenance visit", [self.product_visit])
        maintenance = self._create_plan(
            "Maintenance offer",
            [
                {
                    "name": "Offer the yearly visit",
                    "equipment_recurring": True,
                    "delay_count": 14,
                    "delay_from": "before_plan_date",
                    "create_activity": False,
                    "offer_template_id": visit_template.id,
                }
            ],
        )
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        piece = order.equipment_ids
        piece.date_start = fields.Date.today() - relativedelta(months=12) + timedelta(days=7)
        due = piece.next_maintenance_date
        self._run_followup_cron()
        offer = self._offers(self.customer)
        self.assertEqual(offer.order_line.product_id, self.product_visit)
        self.assertEqual(offer.order_line.service_equipment_id, piece)
        followup = self._followups(piece, step=maintenance.step_ids)
        self.assertEqual((followup.state, followup.offer_order_id), ("done", offer))
        offer.action_confirm()
        visit = piece.activity_ids
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.user_id, self.service_user)
        self.assertEqual(visit.date_deadline, due, "the visit is the piece's next maintenance")
        self.assertEqual(piece.next_maintenance_date, due)
        self.assertIn(offer.name, visit.note)

    def test_an_expired_offer_asks_the_salesperson_to_call_once(self):
        self._pieces(self.customer, qty=1)
        self._run_followup_cron()
        order = self._offers(self.customer)
        self._run_cron("sale_after_sales.ir_cron_call_expired_offers")
        self.assertFalse(order.activity_ids, "not expired yet")
        with freeze_time(order.validity_date + timedelta(days=1)):
            self._run_cron("sale_after_sales.ir_cron_call_expired_offers")
            self._run_cron("sale_after_sales.ir_cron_call_expired_offers")
        call = order.activity_ids
        self.assertEqual(len(call), 1, "never twice")
        self.assertEqual(call.user_id, self.salesman)
        self.assertEqual(call.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertTrue(order.offer_expiry_call_date)

    def test_a_retired_piece_leaves_the_open_quotation(self):
        pieces = self._pieces(self.customer, qty=2)
        self._run_followup_cron()
        order = self._offers(self.customer)
        pieces[0].action_retire()
        self.assertEqual(order.order_line.service_equipment_id, pieces[1])
        self.assertEqual(order.state, "sent")
        pieces[1].action_retire()
        self.assertFalse(order.order_line)
        self.assertEqual(order.state, "cancel", "never an empty quotation left open")

    def test_an_accepted_offer_keeps_its_lines_when_a_piece_is_retired(self):
        pieces = self._pieces(self.customer, qty=1)
        self._run_followup_cron()
        order = self._offers(self.customer)
        order.action_confirm()
        pieces.action_retire()
        self.assertEqual(order.order_line.service_equipment_id, pieces)

    def _count_queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_the_queries_of_a_batch_grow_only_with_odoos_own_lines(self):
        """One customer's 10 pieces or 50: one quotation, and the batch costs
        no more queries per piece than Odoo's own quotation lines do (what a
        quotation of as many lines costs when created by hand)."""
        module, odoo = [], []
        for qty in (10, 50):
            partner = self.env["res.partner"].create(
                {"name": f"Customer of {qty}", "email": f"c{qty}@example.com"}
            )
            self._pieces(partner, qty=qty)
            Followup = self.env["service.followup"].sudo().with_context(tracking_disable=True)
            batch = Followup.search(
                Followup._get_due_domain() & Domain("commercial_partner_id", "=", partner.id)
            )
            self.assertEqual(len(batch), qty)
            module.append(self._count_queries(batch._process))
            self.assertEqual(len(self._offers(partner).order_line), qty)
            self.assertEqual(set(batch.mapped("state")), {"done"})
            lines = [Command.create({"product_id": self.product_extension.id})] * qty
            odoo.append(
                self._count_queries(
                    lambda p=partner, lines=lines: self.env["sale.order"].create(
                        {"partner_id": p.id, "order_line": lines}
                    )
                )
            )
        self.assertLessEqual(
            module[1] - module[0],
            max(odoo[1] - odoo[0], 0) + 5,
            f"queries for 10 and 50 pieces: {module}; Odoo's quotation of 10 and 50 lines: {odoo}",
        )


@tagged("post_install", "-at_install")
class TestCustomerOpenOffers(OfferCommon):
    """The customer's Service tab lists his open offers: sent, not answered,
    still valid; each salesperson those of them he may read."""

    def test_only_the_open_offers_of_his_company_are_listed(self):
        open_offer, accepted, cancelled, expired = self._make_offers(4)
        other = self._make_offers(1, partner=self.other_customer)
        accepted.action_confirm()
        cancelled._action_cancel()
        expired.validity_date = fields.Date.today() - timedelta(days=1)
        ordinary = self._create_order(self.customer, [(self.product_kit, 1)])
        for partner in (self.customer, self.contact_anna, self.contact_bob):
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.service_offer_order_ids, open_offer)
        self.assertNotIn(ordinary, self.customer.service_offer_order_ids, "not an offer")
        self.assertEqual(self.other_customer.service_offer_order_ids, other)
        self.assertIn("Espresso Machine", open_offer.offer_equipment_names)
        self.assertEqual(
            open_offer.offer_equipment_names,
            open_offer.order_line.service_equipment_id.display_name,
        )
        # The last day of its validity it is still open.
        with freeze_time(open_offer.validity_date):
            self.customer.invalidate_recordset(["service_offer_order_ids"])
            self.assertEqual(self.customer.service_offer_order_ids, open_offer)
        with freeze_time(open_offer.validity_date + timedelta(days=1)):
            self.customer.invalidate_recordset(["service_offer_order_ids"])
            self.assertFalse(self.customer.service_offer_order_ids)

    def test_a_salesperson_sees_the_offers_he_may_read(self):
        """A salesperson with his own documents only: his offers and the
        unassigned ones, never another salesperson's; the service department
        reads them all. The pieces are named whoever sold them."""
        mine, theirs, nobodys = self._make_offers(3)
        theirs.user_id = self.other_salesman
        nobodys.user_id = False
        self.env.flush_all()
        spec = {
            "service_offer_order_ids": {
                "fields": {
                    "name": {},
                    "offer_equipment_names": {},
                    "amount_total": {},
                    "validity_date": {},
                    "user_id": {"fields": {"display_name": {}}},
                }
            }
        }
        for user, expected in (
            (self.salesman, mine | nobodys),
            (self.other_salesman, theirs | nobodys),
            (self.service_user, mine | theirs | nobodys),
        ):
            with self.subTest(user=user.name):
                customer = self.customer.with_user(user)
                self.assertEqual(customer.service_offer_order_ids, expected.with_user(user))
                # What the customer's form reads, as he reads it.
                [values] = customer.web_read(spec)
                rows = values["service_offer_order_ids"]
                self.assertEqual({row["id"] for row in rows}, set(expected.ids))
                for row in rows:
                    self.assertIn("Espresso Machine", row["offer_equipment_names"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).read(["name"])
        # Another company's user sees none of them.
        self.assertFalse(
            self.customer.with_user(self.other_company_user)
            .with_company(self.other_company)
            .service_offer_order_ids
        )


@tagged("post_install", "-at_install")
class TestCustomerOpenOffersTour(HttpCase, OfferCommon):
    def test_the_salesperson_finds_the_offer_on_the_customers_service_tab(self):
        offer = self._make_offers(1)
        self.assertEqual(offer.user_id, self.salesman)
        self.start_tour(
            "/odoo/action-sale_after_sales.res_partner_action_after_sales",
            "sale_after_sales_customer_offers_tour",
            login=self.salesman.login,
        )


@tagged("post_install", "-at_install")
class TestFollowupOfferPortal(HttpCase, OfferCommon):
    """The customer's side, over HTTP: his equipment page shows the offer, he
    accepts it in Odoo's portal; another customer and forged links get nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="saa_offer_portal",
            groups="base.group_portal",
            partner_id=cls.contact_anna.id,
        )
        cls.other_portal_user = new_test_user(
            cls.env,
            login="saa_offer_other",
            groups="base.group_portal",
            partner_id=cls.other_customer.id,
        )

    def _make_offer(self):
        pieces = self._pieces(self.contact_anna, qty=2)
        self._run_followup_cron()
        order = self._offers(self.customer)
        self.assertEqual(len(order), 1)
        return pieces, order

    def _accept(self, order, token):
        return self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "Anna", "signature": SIGNATURE},
        )

    def test_the_equipment_page_shows_the_open_offer(self):
        pieces, order = self._make_offer()
        self.authenticate("saa_offer_portal", "saa_offer_portal")
        page = self.url_open(f"/my/equipment/{pieces[0].id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("equipment_offers", page.text)
        self.assertIn(f"/my/orders/{order.id}", page.text)
        self.assertIn(order.name, page.text)
        quotation = self.url_open(order.get_portal_url())
        self.assertEqual(quotation.status_code, 200)
        self.assertIn(pieces[0].display_name, quotation.text)
        # Accepted, the offer is not open any more.
        self._accept(order, order.access_token)
        page = self.url_open(f"/my/equipment/{pieces[0].id}")
        self.assertNotIn("equipment_offers", page.text)

    def test_the_customer_accepts_once_and_his_warranty_moves(self):
        pieces, order = self._make_offer()
        ends = {piece: piece.warranty_end for piece in pieces}
        self.authenticate("saa_offer_portal", "saa_offer_portal")
        result = self._accept(order, order.access_token)
        self.assertNotIn("error", result)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.after_sales_origin, "offer")
        for piece in pieces:
            self.assertEqual(piece.warranty_end, ends[piece] + relativedelta(months=12))
        again = self._accept(order, order.access_token)
        self.assertIn("not in a state requiring customer signature", again["error"])
        for piece in pieces:
            self.assertEqual(piece.warranty_end, ends[piece] + relativedelta(months=12))

    def test_another_customer_and_forged_links_are_refused(self):
        pieces, order = self._make_offer()
        ends = pieces.mapped("warranty_end")
        self.authenticate("saa_offer_other", "saa_offer_other")
        for url in (
            f"/my/orders/{order.id}",
            f"/my/orders/{order.id}?access_token=forged",
            f"/my/orders/{order.id + 1000}",
        ):
            with self.subTest(url=url):
                page = self.url_open(url, allow_redirects=False)
                self.assertNotEqual(page.status_code, 200)
                self.assertNotIn(order.name, page.text)
        for token in (None, "forged"):
            with self.subTest(token=token):
                self.assertEqual(self._accept(order, token), {"error": "Invalid order."})
        # His equipment page of her piece: none of his.
        page = self.url_open(f"/my/equipment/{pieces[0].id}", allow_redirects=False)
        self.assertNotIn(order.name, page.text)
        self.assertIn(order.state, ("draft", "sent"))
        self.assertEqual(pieces.mapped("warranty_end"), ends)

    def test_the_customer_accepts_the_offer_in_the_portal(self):
        pieces, order = self._make_offer()
        ends = {piece: piece.warranty_end for piece in pieces}
        self.start_tour(
            f"/my/equipment/{pieces[0].id}",
            "sale_after_sales_offer_accept_tour",
            login="saa_offer_portal",
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "Anna Offer")
        for piece in pieces:
            self.assertEqual(piece.warranty_end, ends[piece] + relativedelta(months=12))


# A signature as the portal's signature widget sends it (a small PNG, base64).
SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="  # noqa: E501
